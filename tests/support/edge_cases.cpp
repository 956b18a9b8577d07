#include "support/edge_cases.hpp"

#include <fmt/format.h>

namespace ss::test {
namespace {

using namespace std::chrono;
using demo::DateTime;
using demo::Value;
using Json = nlohmann::json;

const core::Instant k_as_of = sys_days{year{2026} / 6 / 15} + hours{12};

// Ids that sort in creation order: account n, row k within a table.
core::Uuid make_id(std::uint8_t kind, int account, int k) {
    core::Uuid::Bytes b{};
    b[0] = 0x01;
    b[1] = kind;
    b[2] = static_cast<std::uint8_t>(account);
    b[3] = static_cast<std::uint8_t>(k >> 8);
    b[4] = static_cast<std::uint8_t>(k);
    b[6] = 0x70;
    b[8] = 0x80;
    b[15] = static_cast<std::uint8_t>(account * 7 + k);
    return core::Uuid{b};
}

enum Kind : std::uint8_t { Account = 1, User = 2, Board = 3, Event = 4, Entry = 5, Total = 6, Other = 7, Sub = 8 };

DateTime at(core::Instant t, int micros = 0) { return {t, micros}; }
DateTime days_before(int days) { return at(k_as_of - std::chrono::days{days}); }

Json traits(std::string name, std::string plan, std::string created, long long users, long long boards, long long cards,
            long long active, long long storage, Json mrr, long long webhooks, bool join, Json entropy) {
    return Json{{"name", name},           {"plan", plan},         {"created_at", created}, {"user_count", users},
                {"board_count", boards},  {"card_count", cards},  {"active_user_count_30d", active},
                {"storage_used_bytes", storage}, {"mrr", mrr},   {"webhook_count", webhooks},
                {"has_join_code", join},  {"entropy_period_days", entropy}};
}

class Fixture {
public:
    explicit Fixture(demo::DemoWriter& w) : m_w(w) {}

    EdgeCases run() {
        m_w.create_schema(true);
        define();
        flush();
        m_w.finish();
        return {k_as_of, m_expected};
    }

private:
    struct Table {
        std::vector<std::string> columns;
        std::vector<std::vector<Value>> rows;
    };

    void row(const std::string& table, std::vector<std::string> columns, std::vector<Value> values) {
        auto& t = m_tables[table];
        if (t.columns.empty()) t.columns = std::move(columns);
        t.rows.push_back(std::move(values));
    }

    void flush() {
        for (auto& [name, t] : m_tables) {
            m_w.begin_table(name, t.columns);
            for (const auto& r : t.rows) m_w.add_row(r);
            m_w.end_table();
        }
    }

    core::Uuid account(int n, const std::string& name, DateTime created, long long cards = 0) {
        const auto id = make_id(Account, n, 0);
        row("accounts", {"id", "cards_count", "created_at", "external_account_id", "name", "updated_at"},
            {id, cards, created, static_cast<std::int64_t>(n), name, created});
        return id;
    }
    core::Uuid user(int n, int k, const core::Uuid& acct, const std::string& role, bool active = true,
                    DateTime created = days_before(400)) {
        const auto id = make_id(User, n, k);
        row("users", {"id", "account_id", "active", "created_at", "identity_id", "name", "role", "updated_at", "verified_at"},
            {id, acct, active, created, role == "system" ? Value{nullptr} : Value{make_id(Other, n, 100 + k)},
             role == "system" ? "System" : fmt::format("Person {}", k), role, created, nullptr});
        return id;
    }
    // The usual pair every Fizzy account gets.
    std::pair<core::Uuid, core::Uuid> basics(int n, const core::Uuid& acct) {
        return {user(n, 0, acct, "system"), user(n, 1, acct, "owner")};
    }
    core::Uuid board(int n, int k, const core::Uuid& acct, const core::Uuid& creator) {
        const auto id = make_id(Board, n, k);
        row("boards", {"id", "account_id", "all_access", "created_at", "creator_id", "name", "updated_at"},
            {id, acct, true, days_before(300), creator, fmt::format("Board {}", k), days_before(300)});
        return id;
    }
    void event(int n, int k, const core::Uuid& acct, const core::Uuid& board_id, const core::Uuid& creator, DateTime when) {
        row("events", {"id", "account_id", "action", "board_id", "created_at", "creator_id", "eventable_id",
                       "eventable_type", "particulars", "updated_at"},
            {make_id(Event, n, k), acct, "card_published", board_id, when, creator, make_id(Other, n, 200 + k), "Card",
             "{}", when});
    }
    core::Uuid entry(int n, int k, const core::Uuid& acct, long long delta) {
        const auto id = make_id(Entry, n, k);
        row("storage_entries", {"id", "account_id", "blob_id", "board_id", "created_at", "delta", "operation",
                                "recordable_id", "recordable_type", "request_id", "user_id"},
            {id, acct, nullptr, nullptr, days_before(100 - k), static_cast<std::int64_t>(delta), "attach", nullptr,
             nullptr, nullptr, nullptr});
        return id;
    }
    void total(int n, int k, const std::string& owner_type, const core::Uuid& owner, long long bytes,
               std::optional<core::Uuid> last_entry) {
        row("storage_totals", {"id", "bytes_stored", "created_at", "last_entry_id", "owner_id", "owner_type", "updated_at"},
            {make_id(Total, n, k), static_cast<std::int64_t>(bytes), days_before(50),
             last_entry ? Value{*last_entry} : Value{nullptr}, owner, owner_type, days_before(50)});
    }
    void join_code(int n, const core::Uuid& acct) {
        row("account_join_codes", {"id", "account_id", "code", "created_at", "updated_at", "usage_count", "usage_limit"},
            {make_id(Other, n, 1), acct, fmt::format("code{}", n), days_before(300), days_before(300), std::int64_t{0},
             std::int64_t{10}});
    }
    void entropy(int n, int k, const core::Uuid& acct, const std::string& type, const core::Uuid& container, long long seconds) {
        row("entropies", {"id", "account_id", "auto_postpone_period", "container_id", "container_type", "created_at", "updated_at"},
            {make_id(Other, n, 10 + k), acct, static_cast<std::int64_t>(seconds), container, type, days_before(300),
             days_before(300)});
    }
    void webhook(int n, int k, const core::Uuid& acct, const core::Uuid& board_id, bool active) {
        row("webhooks", {"id", "account_id", "active", "board_id", "created_at", "name", "signing_secret",
                         "subscribed_actions", "updated_at", "url"},
            {make_id(Other, n, 20 + k), acct, active, board_id, days_before(10), "hook", "secret", nullptr,
             days_before(10), "https://example.com/hook"});
    }
    void subscription(int n, int k, const core::Uuid& acct, Value plan, const std::string& status, DateTime created) {
        row("account_subscriptions", {"id", "account_id", "plan_key", "stripe_customer_id", "stripe_subscription_id",
                                      "status", "current_period_end", "cancel_at", "next_amount_due_in_cents",
                                      "created_at", "updated_at"},
            {make_id(Sub, n, k), acct, plan, fmt::format("cus_{}_{}", n, k), nullptr, status, nullptr, nullptr, nullptr,
             created, created});
    }
    void cancellation(int n, const core::Uuid& acct, const core::Uuid& by) {
        row("account_cancellations", {"id", "account_id", "created_at", "initiated_by_id", "updated_at"},
            {make_id(Other, n, 30), acct, days_before(5), by, days_before(5)});
    }
    void import(int n, const core::Uuid& acct, const std::string& status) {
        row("account_imports", {"id", "account_id", "completed_at", "created_at", "failure_reason", "identity_id",
                                "status", "updated_at"},
            {make_id(Other, n, 40), acct, nullptr, days_before(2), nullptr, make_id(Other, n, 41), status, days_before(2)});
    }
    void expect(const std::string& label, const core::Uuid& id, Json t, const core::Uuid* system_user = nullptr) {
        m_expected.push_back({label, id.to_base36(), true, system_user ? "userId" : "anonymousId",
                              system_user ? system_user->to_base36() : id.to_base36(), std::move(t)});
    }
    void expect_absent(const std::string& label, const core::Uuid& id) {
        m_expected.push_back({label, id.to_base36(), false, "", "", nullptr});
    }

    void define() {
        const std::string created = "2025-05-21T12:00:00Z";  // days_before(390)
        const DateTime account_created = at(k_as_of - std::chrono::days{390}, 654321);

        // 1: the 30-day window's boundaries and who counts as an active user.
        {
            const auto a = account(1, "Window Co", account_created, 3);
            const auto [sys, owner] = basics(1, a);
            const auto inside_start = user(1, 2, a, "member");
            const auto at_end = user(1, 3, a, "member");
            const auto just_before_end = user(1, 4, a, "admin");
            const auto before_start = user(1, 5, a, "member");
            const auto inactive = user(1, 6, a, "member", false);
            const auto b = board(1, 0, a, owner);
            const auto other_account_user = make_id(User, 2, 1);  // account 2's owner
            event(1, 0, a, b, inside_start, at(k_as_of - std::chrono::days{30}));        // as_of - 30 days: counts
            event(1, 1, a, b, inside_start, days_before(3));                              // same creator again
            event(1, 2, a, b, at_end, at(k_as_of));                                       // exactly as_of: does not
            event(1, 3, a, b, just_before_end, at(k_as_of - std::chrono::seconds{1}, 999999));  // counts
            event(1, 4, a, b, before_start, at(k_as_of - std::chrono::days{31}, 999999));  // just before: does not
            event(1, 5, a, b, inactive, days_before(1));                                  // inactive still counts
            event(1, 6, a, b, sys, days_before(1));                                       // system: does not
            event(1, 7, a, b, other_account_user, days_before(1));                        // another account's user: does not
            join_code(1, a);
            entropy(1, 0, a, "Account", a, 30LL * 86400);
            expect("window", a, traits("Window Co", "free", created, 5, 1, 3, 3, 0, 0, 0, true, 30), &sys);
        }
        // 2: ledger entries on both sides of last_entry_id; a Board-owned total that is not the account's.
        {
            const auto a = account(2, "Ledger Ltd", account_created);
            const auto [sys, owner] = basics(2, a);
            const auto b = board(2, 0, a, owner);
            entry(2, 0, a, 500);
            const auto materialized = entry(2, 1, a, 500);
            entry(2, 2, a, 300);
            entry(2, 3, a, -100);
            total(2, 0, "Account", a, 1000, materialized);
            total(2, 1, "Board", b, 99999, std::nullopt);
            expect("ledger", a, traits("Ledger Ltd", "free", created, 1, 1, 0, 0, 1200, 0, 0, false, nullptr), &sys);
        }
        // 3: no totals row: every entry counts. 4: a totals row with no last_entry_id: bytes plus every entry.
        {
            const auto a = account(3, "No Totals", account_created);
            const auto [sys, owner] = basics(3, a);
            entry(3, 0, a, 10);
            entry(3, 1, a, 20);
            expect("no totals", a, traits("No Totals", "free", created, 1, 0, 0, 0, 30, 0, 0, false, nullptr), &sys);
            const auto a4 = account(4, "Null Last Entry", account_created);
            const auto [sys4, owner4] = basics(4, a4);
            entry(4, 0, a4, 7);
            total(4, 0, "Account", a4, 5, std::nullopt);
            expect("null last entry", a4, traits("Null Last Entry", "free", created, 1, 0, 0, 0, 12, 0, 0, false, nullptr), &sys4);
        }
        // 5-9: cancelled and importing accounts are not eligible; a completed import is.
        {
            const auto a5 = account(5, "Cancelled", account_created);
            const auto [sys5, owner5] = basics(5, a5);
            cancellation(5, a5, owner5);
            expect_absent("cancelled", a5);
            int n = 6;
            for (const std::string status : {"pending", "processing", "failed", "completed"}) {
                const auto a = account(n, "Import " + status, account_created);
                const auto [sys, owner] = basics(n, a);
                import(n, a, status);
                if (status == "completed") {
                    expect("import completed", a, traits("Import completed", "free", created, 1, 0, 0, 0, 0, 0, 0, false, nullptr), &sys);
                } else {
                    expect_absent("import " + status, a);
                }
                ++n;
            }
        }
        // 10: created one second after as_of: not yet. 11: created exactly at as_of: eligible.
        {
            const auto a10 = account(10, "Future", at(k_as_of + std::chrono::seconds{1}));
            basics(10, a10);
            expect_absent("created after as_of", a10);
            const auto a11 = account(11, "Exactly Now", at(k_as_of));
            const auto [sys, owner] = basics(11, a11);
            expect("created at as_of", a11, traits("Exactly Now", "free", "2026-06-15T12:00:00Z", 1, 0, 0, 0, 0, 0, 0, false, nullptr), &sys);
        }
        // 12: no system user: anonymousId is the account.
        {
            const auto a = account(12, "No System User", account_created);
            user(12, 1, a, "owner");
            expect("no system user", a, traits("No System User", "free", created, 1, 0, 0, 0, 0, 0, 0, false, nullptr));
        }
        // 13: a plan not in the price list. 14: two subscriptions created at the same instant: the larger id wins.
        {
            const auto a = account(13, "Unknown Plan", account_created);
            const auto [sys, owner] = basics(13, a);
            subscription(13, 0, a, "enterprise", "active", days_before(20));
            expect("unknown plan", a, traits("Unknown Plan", "enterprise", created, 1, 0, 0, 0, 0, nullptr, 0, false, nullptr), &sys);
            const auto a14 = account(14, "Plan Tie", account_created);
            const auto [sys14, owner14] = basics(14, a14);
            subscription(14, 0, a14, "unlimited", "active", days_before(20));
            subscription(14, 1, a14, "unlimited_extra_storage", "trialing", days_before(20));  // same created_at, larger id
            expect("plan tie", a14, traits("Plan Tie", "unlimited_extra_storage", created, 1, 0, 0, 0, 0, 2500, 0, false, nullptr), &sys14);
        }
        // 15: the newest subscription is canceled, a newer one names no plan: the older past_due one applies.
        {
            const auto a = account(15, "Plan Precedence", account_created);
            const auto [sys, owner] = basics(15, a);
            subscription(15, 0, a, "unlimited", "past_due", days_before(60));
            subscription(15, 1, a, "unlimited_extra_storage", "canceled", days_before(30));
            subscription(15, 2, a, nullptr, "trialing", days_before(10));
            subscription(15, 3, a, "free", "incomplete", days_before(5));
            expect("plan precedence", a, traits("Plan Precedence", "unlimited", created, 1, 0, 0, 0, 0, 2000, 0, false, nullptr), &sys);
        }
        // 16: a 4-byte UTF-8 name. 17: webhooks (one inactive), account- and board-level entropies.
        {
            const std::string name = "Rocket \xF0\x9F\x9A\x80 Team \xE2\x9C\xA8";
            const auto a = account(16, name, account_created, 42);
            const auto [sys, owner] = basics(16, a);
            expect("emoji name", a, traits(name, "free", created, 1, 0, 42, 0, 0, 0, 0, false, nullptr), &sys);
            const auto a17 = account(17, "Hooks", account_created);
            const auto [sys17, owner17] = basics(17, a17);
            const auto b = board(17, 0, a17, owner17);
            webhook(17, 0, a17, b, true);
            webhook(17, 1, a17, b, true);
            webhook(17, 2, a17, b, false);
            entropy(17, 0, a17, "Account", a17, 11LL * 86400);
            entropy(17, 1, a17, "Board", b, 3LL * 86400);
            join_code(17, a17);
            expect("webhooks and entropy", a17, traits("Hooks", "free", created, 1, 1, 0, 0, 0, 0, 2, true, 11), &sys17);
        }
        // 18: an entropy period that is not a whole number of days: integer division.
        {
            const auto a = account(18, "Odd Period", account_created);
            const auto [sys, owner] = basics(18, a);
            entropy(18, 0, a, "Account", a, 100000);
            expect("entropy truncates", a, traits("Odd Period", "free", created, 1, 0, 0, 0, 0, 0, 0, false, 1), &sys);
        }
    }

    demo::DemoWriter& m_w;
    std::map<std::string, Table> m_tables;
    std::vector<EdgeCaseAccount> m_expected;
};

}  // namespace

EdgeCases write_edge_cases(demo::DemoWriter& writer) { return Fixture(writer).run(); }

}  // namespace ss::test
