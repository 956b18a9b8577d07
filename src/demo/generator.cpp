#include "demo/generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace ss::demo {
namespace {

using namespace std::chrono;

// SplitMix64: tiny, fast to seed, and the same on every platform (the
// standard distributions are not), so a seed always gives the same data.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::int64_t below(std::int64_t n) { return n <= 0 ? 0 : static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
    std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    bool chance(double p) { return unit() < p; }
    template <typename T, std::size_t N>
    const T& pick(const std::array<T, N>& items) { return items[static_cast<std::size_t>(below(N))]; }

private:
    std::uint64_t m_state;
};

std::uint64_t mix(std::uint64_t seed, std::uint64_t index, std::uint64_t salt) {
    Rng r(seed ^ (index * 0x9e3779b97f4a7c15ULL) ^ (salt << 56));
    r.next();
    return r.next();
}

// A UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, random rest.
core::Uuid uuid_v7(const DateTime& at, Rng& rng) {
    const auto ms = static_cast<std::uint64_t>(duration_cast<milliseconds>(at.seconds.time_since_epoch()).count()) +
                    static_cast<std::uint64_t>(at.micros / 1000);
    const std::uint64_t a = rng.next(), b = rng.next();
    core::Uuid::Bytes bytes{};
    for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    bytes[6] = static_cast<std::uint8_t>(0x70 | (a & 0x0f));
    bytes[7] = static_cast<std::uint8_t>(a >> 8);
    bytes[8] = static_cast<std::uint8_t>(0x80 | ((a >> 16) & 0x3f));
    for (int i = 9; i < 16; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(b >> (8 * (i - 9)));
    return core::Uuid{bytes};
}

DateTime at(core::Instant t, Rng& rng) { return {t, static_cast<int>(rng.below(1'000'000))}; }
DateTime plus(const DateTime& t, seconds d) { return {t.seconds + d, t.micros}; }

// Uniform in [from, to), to the microsecond.
DateTime between(core::Instant from, core::Instant to, Rng& rng) {
    const auto span = (to - from).count();
    return at(from + seconds{rng.below(std::max<std::int64_t>(span, 1))}, rng);
}

constexpr std::array k_adjectives{"Blue", "Quiet", "Rapid", "Northern", "Bright", "Little", "Honest", "Golden",
                                  "Clever", "Open", "Red", "Silver", "Urban", "Wild", "Kind", "Prime"};
constexpr std::array k_nouns{"Harbor", "Kettle", "Signal", "Orchard", "Compass", "Lantern", "Maple", "Atlas",
                             "Beacon", "Canyon", "Ember", "Falcon", "Garden", "Meadow", "Pixel", "Summit"};
constexpr std::array k_suffixes{"Co", "Labs", "Studio", "Inc", "Group", "Works", "Collective", "GmbH", "LLC", "Team"};
constexpr std::array k_emoji{"\xF0\x9F\x9A\x80", "\xF0\x9F\x8C\xB1", "\xF0\x9F\x92\xA1", "\xE2\x9C\xA8", "\xF0\x9F\x90\x99"};
constexpr std::array k_invalid{"\xC3\x28", "\xFF\xFE", "\xE2\x82", "\xF0\x28\x8C\x28"};
constexpr std::array k_actions{"card_published", "card_assigned", "card_closed", "comment_created", "card_moved",
                               "card_reopened", "card_triaged", "card_postponed"};
constexpr std::array k_periods_days{3, 7, 11, 30, 90, 365};

enum class Import { None, Pending, Processing, Failed, Completed };

struct User {
    core::Uuid id;
    std::string role;
    bool active = true;
    DateTime created_at;
};

// Everything about one account that more than one table needs, derived
// again (cheaply, from the account's own seed) for every table.
struct Account {
    std::int64_t index = 0;
    core::Uuid id;
    DateTime created_at;
    std::string name;
    std::vector<User> users;  // [0] system (unless none), then owner, then members
    std::vector<core::Uuid> boards;
    std::int64_t cards = 0, events = 0, entries = 0, webhooks = 0;
    bool cancelled = false;
    Import import = Import::None;
};

class Generator {
public:
    Generator(const DemoOptions& options, DemoWriter& writer)
        : m_options(options),
          m_writer(writer),
          m_invalid_utf8(options.invalid_utf8_names && writer.accepts_invalid_utf8()) {}

    DemoStats run() {
        m_writer.create_schema(m_options.subscriptions);
        table("accounts", {"id", "cards_count", "created_at", "external_account_id", "name", "updated_at"},
              &Generator::accounts);
        table("users", {"id", "account_id", "active", "created_at", "identity_id", "name", "role", "updated_at",
                        "verified_at"},
              &Generator::users);
        table("boards", {"id", "account_id", "all_access", "created_at", "creator_id", "name", "updated_at"},
              &Generator::boards);
        table("cards", {"id", "account_id", "board_id", "column_id", "created_at", "creator_id", "due_on",
                        "last_active_at", "number", "status", "title", "updated_at"},
              &Generator::cards);
        table("events", {"id", "account_id", "action", "board_id", "created_at", "creator_id", "eventable_id",
                         "eventable_type", "particulars", "updated_at"},
              &Generator::events);
        table("webhooks", {"id", "account_id", "active", "board_id", "created_at", "name", "signing_secret",
                           "subscribed_actions", "updated_at", "url"},
              &Generator::webhooks);
        table("storage_entries", {"id", "account_id", "blob_id", "board_id", "created_at", "delta", "operation",
                                  "recordable_id", "recordable_type", "request_id", "user_id"},
              &Generator::storage_entries);
        table("storage_totals", {"id", "bytes_stored", "created_at", "last_entry_id", "owner_id", "owner_type",
                                 "updated_at"},
              &Generator::storage_totals);
        table("account_join_codes", {"id", "account_id", "code", "created_at", "updated_at", "usage_count",
                                     "usage_limit"},
              &Generator::join_codes);
        table("account_cancellations", {"id", "account_id", "created_at", "initiated_by_id", "updated_at"},
              &Generator::cancellations);
        table("account_imports", {"id", "account_id", "completed_at", "created_at", "failure_reason", "identity_id",
                                  "status", "updated_at"},
              &Generator::imports);
        table("entropies", {"id", "account_id", "auto_postpone_period", "container_id", "container_type",
                            "created_at", "updated_at"},
              &Generator::entropies);
        if (m_options.subscriptions) {
            table("account_subscriptions", {"id", "account_id", "plan_key", "stripe_customer_id",
                                            "stripe_subscription_id", "status", "current_period_end", "cancel_at",
                                            "next_amount_due_in_cents", "created_at", "updated_at"},
                  &Generator::subscriptions);
        }
        m_writer.finish();
        return m_stats;
    }

private:
    using Rows = void (Generator::*)(const Account&, Rng&);

    void table(const std::string& name, const std::vector<std::string>& columns, Rows rows) {
        m_writer.begin_table(name, columns);
        const auto salt = static_cast<std::uint64_t>(++m_table_salt);
        for (std::int64_t i = 0; i < m_options.accounts; ++i) {
            const Account account = make_account(i);
            Rng rng(mix(m_options.seed, static_cast<std::uint64_t>(i), salt));
            (this->*rows)(account, rng);
        }
        m_writer.end_table();
    }

    void emit(std::vector<Value> row) {
        m_writer.add_row(row);
        ++m_stats.rows;
    }

    // Skewed size: Pareto (alpha 2.2) with mean about 1, capped.
    static double size_factor(Rng& rng) {
        constexpr double alpha = 2.2, scale = (alpha - 1) / alpha;
        return std::min(scale / std::pow(1.0 - rng.unit(), 1.0 / alpha), 40.0);
    }

    std::string account_name(Rng& rng) const {
        std::string name = fmt::format("{} {} {}", rng.pick(k_adjectives), rng.pick(k_nouns), rng.pick(k_suffixes));
        if (rng.chance(0.04)) name += std::string(" ") + rng.pick(k_emoji);
        if (m_invalid_utf8 && rng.chance(0.01)) name += rng.pick(k_invalid);
        return name;
    }

    Account make_account(std::int64_t index) const {
        Rng rng(mix(m_options.seed, static_cast<std::uint64_t>(index), 0));
        const core::Instant now = m_options.now;
        Account a;
        a.index = index;
        // About 1 in 200 accounts is created just after `now`: not yet eligible.
        a.created_at = rng.chance(0.005) ? between(now + seconds{1}, now + days{2}, rng)
                                         : between(now - days{3 * 365}, now - hours{1}, rng);
        a.id = uuid_v7(a.created_at, rng);
        a.name = account_name(rng);
        const double f = size_factor(rng);
        const bool has_system_user = !rng.chance(0.005);
        const auto members = std::llround(8 * f);
        const auto boards = std::max<std::int64_t>(1, std::llround(3 * f));
        a.cards = std::llround(20 * f);
        a.events = std::llround(100 * f);
        a.entries = std::llround(10 * f);
        a.webhooks = std::llround(2 * f);
        a.cancelled = rng.chance(0.02);
        if (rng.chance(0.04)) a.import = static_cast<Import>(rng.between(1, 4));

        const core::Instant latest = std::max(a.created_at.seconds + seconds{1}, now);
        if (has_system_user) a.users.push_back({uuid_v7(a.created_at, rng), "system", true, a.created_at});
        const DateTime owner_at = plus(a.created_at, seconds{1});
        a.users.push_back({uuid_v7(owner_at, rng), "owner", !rng.chance(0.02), owner_at});
        for (std::int64_t m = 0; m < members; ++m) {
            const DateTime joined = between(a.created_at.seconds, latest, rng);
            a.users.push_back({uuid_v7(joined, rng), rng.chance(0.1) ? "admin" : "member", !rng.chance(0.15), joined});
        }
        for (std::int64_t b = 0; b < boards; ++b) a.boards.push_back(uuid_v7(between(a.created_at.seconds, latest, rng), rng));
        return a;
    }

    const User& any_user(const Account& a, Rng& rng) const {
        return a.users[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(a.users.size())))];
    }
    const User& human(const Account& a, Rng& rng) const {
        const std::size_t first = a.users.front().role == "system" ? 1 : 0;
        return a.users[first + static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(a.users.size() - first)))];
    }
    const core::Uuid& any_board(const Account& a, Rng& rng) const {
        return a.boards[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(a.boards.size())))];
    }
    core::Instant latest(const Account& a) const { return std::max(a.created_at.seconds + seconds{1}, m_options.now); }

    std::int64_t cards_count(const Account& a) const {
        return a.cards + (a.cards > 0 ? a.cards / 20 : 0);  // deleted cards keep their numbers
    }

    void accounts(const Account& a, Rng&) {
        emit({a.id, cards_count(a), a.created_at, a.index + 1, a.name, a.created_at});
    }

    void users(const Account& a, Rng& rng) {
        for (const auto& u : a.users) {
            const bool system = u.role == "system";
            const std::string name = system ? "System" : fmt::format("User {}", rng.below(1'000'000));
            emit({u.id, a.id, u.active, u.created_at, system ? Value{nullptr} : Value{uuid_v7(u.created_at, rng)},
                  name, u.role, u.created_at, system ? Value{nullptr} : Value{u.created_at}});
        }
    }

    void boards(const Account& a, Rng& rng) {
        for (const auto& id : a.boards) {
            const DateTime created = between(a.created_at.seconds, latest(a), rng);
            emit({id, a.id, rng.chance(0.7), created, human(a, rng).id, fmt::format("Board {}", rng.below(1000)),
                  created});
        }
    }

    void cards(const Account& a, Rng& rng) {
        const std::int64_t count = cards_count(a);
        std::int64_t written = 0;
        for (std::int64_t number = 1; number <= count && written < a.cards; ++number) {
            if (count - number >= a.cards - written && rng.chance(0.05)) continue;  // a deleted card's number
            ++written;
            const DateTime created = between(a.created_at.seconds, latest(a), rng);
            emit({uuid_v7(created, rng), a.id, any_board(a, rng), nullptr, created, human(a, rng).id, nullptr,
                  created, number, rng.chance(0.6) ? "published" : "drafted", fmt::format("Card {}", number),
                  created});
        }
    }

    void events(const Account& a, Rng& rng) {
        const core::Instant now = m_options.now;
        for (std::int64_t e = 0; e < a.events; ++e) {
            const bool recent = rng.chance(0.3);
            DateTime when = recent ? between(now - days{30}, now, rng) : between(now - days{60}, now - days{30}, rng);
            if (when.seconds < a.created_at.seconds) when = between(a.created_at.seconds, latest(a), rng);
            const User& creator = rng.chance(0.1) ? any_user(a, rng) : human(a, rng);
            emit({uuid_v7(when, rng), a.id, rng.pick(k_actions), any_board(a, rng), when, creator.id,
                  uuid_v7(when, rng), rng.chance(0.8) ? "Card" : "Comment", "{}", when});
        }
    }

    void webhooks(const Account& a, Rng& rng) {
        for (std::int64_t w = 0; w < a.webhooks; ++w) {
            const DateTime created = between(a.created_at.seconds, latest(a), rng);
            emit({uuid_v7(created, rng), a.id, !rng.chance(0.25), any_board(a, rng), created,
                  fmt::format("Hook {}", w), fmt::format("{:016x}", rng.next()), "card_published",
                  created, fmt::format("https://hooks.example.com/{:08x}", rng.next() >> 32)});
        }
    }

    // The ledger, oldest first, with the running total after each entry.
    struct Entry {
        core::Uuid id;
        DateTime at;
        std::int64_t delta;
        std::int64_t total;
    };
    std::vector<Entry> ledger(const Account& a) const {
        Rng rng(mix(m_options.seed, static_cast<std::uint64_t>(a.index), 200));
        std::vector<DateTime> times;
        for (std::int64_t i = 0; i < a.entries; ++i) times.push_back(between(a.created_at.seconds, latest(a), rng));
        std::sort(times.begin(), times.end(), [](const DateTime& x, const DateTime& y) {
            return std::tie(x.seconds, x.micros) < std::tie(y.seconds, y.micros);
        });
        std::vector<Entry> out;
        std::int64_t total = 0;
        for (const auto& t : times) {
            std::int64_t delta = rng.between(1'000, 50'000'000);
            if (total > 0 && rng.chance(0.2)) delta = -rng.between(1, total);
            total += delta;
            out.push_back({uuid_v7(t, rng), t, delta, total});
        }
        // Ids must follow time even within one millisecond: sort by id too.
        std::sort(out.begin(), out.end(), [](const Entry& x, const Entry& y) { return x.id < y.id; });
        std::int64_t running = 0;
        for (auto& e : out) e.total = (running += e.delta);
        return out;
    }

    void storage_entries(const Account& a, Rng& rng) {
        for (const auto& e : ledger(a)) {
            emit({e.id, a.id, uuid_v7(e.at, rng), any_board(a, rng), e.at, e.delta,
                  e.delta >= 0 ? "attach" : "detach", uuid_v7(e.at, rng), "ActiveStorage::Attachment",
                  fmt::format("req-{:x}", rng.next()), human(a, rng).id});
        }
    }

    void storage_totals(const Account& a, Rng& rng) {
        const auto entries = ledger(a);
        if (rng.chance(0.85)) {
            // Materialized up to a random entry (or none yet): later entries are pending.
            const std::int64_t k = rng.between(-1, static_cast<std::int64_t>(entries.size()) - 1);
            const bool none = k < 0;
            const DateTime updated = none ? a.created_at : entries[static_cast<std::size_t>(k)].at;
            emit({uuid_v7(updated, rng), none ? 0 : entries[static_cast<std::size_t>(k)].total, a.created_at,
                  none ? Value{nullptr} : Value{entries[static_cast<std::size_t>(k)].id}, a.id, "Account", updated});
        }
        for (const auto& board : a.boards) {  // per-board totals: not the account's
            if (!rng.chance(0.5)) continue;
            const DateTime created = between(a.created_at.seconds, latest(a), rng);
            emit({uuid_v7(created, rng), rng.between(0, 10'000'000), created, nullptr, board, "Board", created});
        }
    }

    void join_codes(const Account& a, Rng& rng) {
        if (rng.chance(0.05)) return;
        emit({uuid_v7(a.created_at, rng), a.id, fmt::format("{:012x}", rng.next() >> 16), a.created_at,
              a.created_at, rng.below(10), 10});
    }

    void cancellations(const Account& a, Rng& rng) {
        if (!a.cancelled) return;
        const DateTime when = between(a.created_at.seconds, latest(a), rng);
        emit({uuid_v7(when, rng), a.id, when, human(a, rng).id, when});
    }

    void imports(const Account& a, Rng& rng) {
        if (a.index % 500 == 7) {  // an import that never got an account
            emit({uuid_v7(a.created_at, rng), nullptr, nullptr, a.created_at, "invalid archive",
                  uuid_v7(a.created_at, rng), "failed", a.created_at});
        }
        if (a.import == Import::None) return;
        static constexpr std::array<std::string_view, 5> k_status{"", "pending", "processing", "failed", "completed"};
        const bool completed = a.import == Import::Completed;
        emit({uuid_v7(a.created_at, rng), a.id, completed ? Value{plus(a.created_at, seconds{60})} : Value{nullptr},
              a.created_at, a.import == Import::Failed ? Value{"archive unreadable"} : Value{nullptr},
              uuid_v7(a.created_at, rng), std::string(k_status[static_cast<std::size_t>(a.import)]), a.created_at});
    }

    void entropies(const Account& a, Rng& rng) {
        if (rng.chance(0.92)) {
            emit({uuid_v7(a.created_at, rng), a.id, std::int64_t{rng.pick(k_periods_days)} * 86'400, a.id, "Account",
                  a.created_at, a.created_at});
        }
        for (const auto& board : a.boards) {
            if (!rng.chance(0.3)) continue;
            emit({uuid_v7(a.created_at, rng), a.id, std::int64_t{rng.pick(k_periods_days)} * 86'400, board, "Board",
                  a.created_at, a.created_at});
        }
    }

    void subscriptions(const Account& a, Rng& rng) {
        if (!rng.chance(0.65)) return;
        const std::int64_t count = rng.between(1, 3);
        DateTime created = between(a.created_at.seconds, latest(a), rng);
        for (std::int64_t s = 0; s < count; ++s) {
            const double p = rng.unit();
            const Value plan = p < 0.40   ? Value{"unlimited"}
                               : p < 0.60 ? Value{"unlimited_extra_storage"}
                               : p < 0.80 ? Value{"free"}
                               : p < 0.85 ? Value{"legacy_team"}  // not in the default price list
                                          : Value{nullptr};
            const double q = rng.unit();
            const std::string status = q < 0.50   ? "active"
                                       : q < 0.65 ? "trialing"
                                       : q < 0.75 ? "past_due"
                                       : q < 0.95 ? "canceled"
                                                  : "incomplete";
            emit({uuid_v7(created, rng), a.id, plan, fmt::format("cus_{:016x}", rng.next()),
                  rng.chance(0.9) ? Value{fmt::format("sub_{:016x}", rng.next())} : Value{nullptr}, status,
                  plus(created, seconds{30 * 86'400}), nullptr, rng.chance(0.5) ? Value{std::int64_t{2000}} : Value{nullptr},
                  created, created});
            // Usually a later subscription; sometimes one created the same microsecond (a tie).
            if (!rng.chance(0.05)) created = between(created.seconds + seconds{1}, latest(a) + days{1}, rng);
        }
    }

    const DemoOptions& m_options;
    DemoWriter& m_writer;
    bool m_invalid_utf8;
    int m_table_salt = 0;
    DemoStats m_stats;
};

}  // namespace

std::string render_datetime(const DateTime& value) { return core::format_db_datetime_micros(value.seconds, value.micros); }

DemoStats generate(const DemoOptions& options, DemoWriter& writer) { return Generator(options, writer).run(); }

}  // namespace ss::demo
