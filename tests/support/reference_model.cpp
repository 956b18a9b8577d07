#include "support/reference_model.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ss::test {
namespace {

using Json = nlohmann::json;

// A datetime as (epoch seconds, microseconds), parsed from the column text.
using Stamp = std::pair<long long, int>;

Stamp parse_stamp(const std::string& text) {
    std::tm tm{};
    int micros = 0;
    if (text.size() < 19) throw std::runtime_error("bad datetime " + text);
    tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(text.substr(8, 2));
    tm.tm_hour = std::stoi(text.substr(11, 2));
    tm.tm_min = std::stoi(text.substr(14, 2));
    tm.tm_sec = std::stoi(text.substr(17, 2));
    if (text.size() > 20 && text[19] == '.') {
        std::string frac = text.substr(20, 6);
        frac.resize(6, '0');
        micros = std::stoi(frac);
    }
    return {static_cast<long long>(timegm(&tm)), micros};
}

std::string iso(long long seconds) {
    const std::time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Db {
    sqlite3* db = nullptr;
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path);
        }
    }
    ~Db() { sqlite3_close(db); }

    bool has_table(const std::string& name) {
        bool found = false;
        each("SELECT name FROM sqlite_schema WHERE type = 'table'", [&](sqlite3_stmt* s) {
            found |= text(s, 0) == name;
        });
        return found;
    }

    template <typename F>
    void each(const std::string& sql, F f) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("reference model: ") + sqlite3_errmsg(db));
        }
        while (sqlite3_step(stmt) == SQLITE_ROW) f(stmt);
        sqlite3_finalize(stmt);
    }

    static std::string text(sqlite3_stmt* s, int col) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string();
    }
    static bool null(sqlite3_stmt* s, int col) { return sqlite3_column_type(s, col) == SQLITE_NULL; }
    static long long integer(sqlite3_stmt* s, int col) { return sqlite3_column_int64(s, col); }
};

struct User {
    std::string id, role;
    bool active;
    Stamp created;
};

}  // namespace

std::string base36_of_bytes(const std::string& raw16) {
    // Long division of the 16-byte big-endian number by 36, digit by digit.
    std::vector<unsigned> digits(raw16.begin(), raw16.end());
    for (auto& d : digits) d &= 0xff;
    std::string out;
    const char* alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    while (std::any_of(digits.begin(), digits.end(), [](unsigned d) { return d != 0; })) {
        unsigned remainder = 0;
        for (auto& d : digits) {
            const unsigned value = remainder * 256 + d;
            d = value / 36;
            remainder = value % 36;
        }
        out.insert(out.begin(), alphabet[remainder]);
    }
    out.insert(out.begin(), 25 - out.size(), '0');
    return out;
}

std::map<std::string, ExpectedMessage> reference_messages(const std::string& path, const ReferenceOptions& options) {
    Db db(path);
    const long long as_of = options.as_of.time_since_epoch().count();
    const Stamp as_of_stamp{as_of, 0};
    const Stamp window_start{as_of - 30LL * 86400, 0};

    std::set<std::string> cancelled, importing, join_codes;
    db.each("SELECT account_id FROM account_cancellations", [&](sqlite3_stmt* s) { cancelled.insert(Db::text(s, 0)); });
    db.each("SELECT account_id, status FROM account_imports", [&](sqlite3_stmt* s) {
        const std::string status = Db::text(s, 1);
        if (!Db::null(s, 0) && (status == "pending" || status == "processing" || status == "failed")) {
            importing.insert(Db::text(s, 0));
        }
    });
    db.each("SELECT account_id FROM account_join_codes", [&](sqlite3_stmt* s) { join_codes.insert(Db::text(s, 0)); });

    std::map<std::string, std::vector<User>> users;
    std::map<std::string, std::string> user_account;
    db.each("SELECT id, account_id, active, role, created_at FROM users", [&](sqlite3_stmt* s) {
        users[Db::text(s, 1)].push_back({Db::text(s, 0), Db::text(s, 3), Db::integer(s, 2) == 1, parse_stamp(Db::text(s, 4))});
        user_account[Db::text(s, 0)] = Db::text(s, 1);
    });
    std::map<std::string, long long> boards, webhooks;
    db.each("SELECT account_id FROM boards", [&](sqlite3_stmt* s) { ++boards[Db::text(s, 0)]; });
    db.each("SELECT account_id, active FROM webhooks", [&](sqlite3_stmt* s) {
        if (Db::integer(s, 1) == 1) ++webhooks[Db::text(s, 0)];
    });
    std::map<std::string, std::set<std::string>> active_creators;
    std::map<std::string, std::string> user_role;
    for (const auto& [account, list] : users) {
        for (const auto& u : list) user_role[u.id] = u.role;
    }
    db.each("SELECT account_id, creator_id, created_at FROM events", [&](sqlite3_stmt* s) {
        const std::string account = Db::text(s, 0), creator = Db::text(s, 1);
        const Stamp at = parse_stamp(Db::text(s, 2));
        if (at < window_start || !(at < as_of_stamp)) return;
        auto owner = user_account.find(creator);
        if (owner == user_account.end() || owner->second != account || user_role[creator] == "system") return;
        active_creators[account].insert(creator);
    });
    // storage_totals: the account's row (the earliest should there be two).
    struct Total {
        long long bytes;
        std::optional<std::string> last_entry;
        Stamp created;
        std::string id;
    };
    std::map<std::string, Total> totals;
    db.each("SELECT owner_id, bytes_stored, last_entry_id, created_at, id FROM storage_totals WHERE owner_type = 'Account'",
            [&](sqlite3_stmt* s) {
                Total t{Db::integer(s, 1), Db::null(s, 2) ? std::nullopt : std::optional(Db::text(s, 2)),
                        parse_stamp(Db::text(s, 3)), Db::text(s, 4)};
                auto [it, inserted] = totals.emplace(Db::text(s, 0), t);
                if (!inserted && std::tie(t.created, t.id) < std::tie(it->second.created, it->second.id)) it->second = t;
            });
    std::map<std::string, std::vector<std::pair<std::string, long long>>> entries;
    db.each("SELECT account_id, id, delta FROM storage_entries", [&](sqlite3_stmt* s) {
        entries[Db::text(s, 0)].emplace_back(Db::text(s, 1), Db::integer(s, 2));
    });
    struct Entropy {
        long long period;
        Stamp created;
        std::string id;
    };
    std::map<std::string, Entropy> entropies;
    db.each("SELECT container_id, auto_postpone_period, created_at, id FROM entropies WHERE container_type = 'Account'",
            [&](sqlite3_stmt* s) {
                Entropy e{Db::integer(s, 1), parse_stamp(Db::text(s, 2)), Db::text(s, 3)};
                auto [it, inserted] = entropies.emplace(Db::text(s, 0), e);
                if (!inserted && std::tie(e.created, e.id) < std::tie(it->second.created, it->second.id)) it->second = e;
            });
    const bool billing = options.billing && db.has_table("account_subscriptions");
    struct Sub {
        std::string plan;
        Stamp created;
        std::string id;
    };
    std::map<std::string, Sub> plans;
    if (billing) {
        db.each("SELECT account_id, plan_key, status, created_at, id FROM account_subscriptions", [&](sqlite3_stmt* s) {
            const std::string status = Db::text(s, 2);
            if (Db::null(s, 1) || !(status == "active" || status == "trialing" || status == "past_due")) return;
            Sub sub{Db::text(s, 1), parse_stamp(Db::text(s, 3)), Db::text(s, 4)};
            auto [it, inserted] = plans.emplace(Db::text(s, 0), sub);
            if (!inserted && std::tie(sub.created, sub.id) > std::tie(it->second.created, it->second.id)) it->second = sub;
        });
    }

    std::map<std::string, ExpectedMessage> out;
    db.each("SELECT id, name, created_at, cards_count FROM accounts", [&](sqlite3_stmt* s) {
        const std::string id = Db::text(s, 0);
        if (id.size() != 16) return;
        const Stamp created = parse_stamp(Db::text(s, 2));
        if (cancelled.contains(id) || importing.contains(id) || created > as_of_stamp) return;

        ExpectedMessage m;
        m.group_id = base36_of_bytes(id);
        const User* system = nullptr;
        long long user_count = 0;
        for (const auto& u : users[id]) {
            if (u.active && u.role != "system") ++user_count;
            if (u.role == "system" && (!system || std::tie(u.created, u.id) < std::tie(system->created, system->id))) system = &u;
        }
        m.identity_key = system ? "userId" : "anonymousId";
        m.identity_value = system ? base36_of_bytes(system->id) : m.group_id;

        long long storage = 0;
        std::optional<std::string> last_entry;
        if (auto t = totals.find(id); t != totals.end()) {
            storage = t->second.bytes;
            last_entry = t->second.last_entry;
        }
        for (const auto& [entry_id, delta] : entries[id]) {
            if (!last_entry || entry_id > *last_entry) storage += delta;  // byte-wise comparison of 16-byte ids
        }
        std::string plan = "free";
        Json mrr = 0;
        if (billing) {
            if (auto p = plans.find(id); p != plans.end()) plan = p->second.plan;
            auto price = options.prices.find(plan);
            mrr = price == options.prices.end() ? Json(nullptr) : Json(price->second);
        }
        Json entropy = nullptr;
        if (auto e = entropies.find(id); e != entropies.end()) entropy = e->second.period / 86400;

        m.traits = Json{{"name", Json(Db::text(s, 1)).dump(-1, ' ', false, Json::error_handler_t::replace)},
                        {"plan", plan},
                        {"created_at", iso(created.first)},
                        {"user_count", user_count},
                        {"board_count", boards[id]},
                        {"card_count", Db::integer(s, 3)},
                        {"active_user_count_30d", static_cast<long long>(active_creators[id].size())},
                        {"storage_used_bytes", storage},
                        {"mrr", mrr},
                        {"webhook_count", webhooks[id]},
                        {"has_join_code", join_codes.contains(id)},
                        {"entropy_period_days", entropy}};
        m.traits["name"] = Json::parse(m.traits["name"].get<std::string>());  // the name, made valid UTF-8
        out[m.group_id] = m;
    });
    return out;
}

}  // namespace ss::test
