// The strategy snapshot-sync replaces, for comparison (bench/run.sh, row c):
// Fizzy's Rails job looped over accounts and asked the database one question
// per trait per account. This program does the same on one connection, in
// one read-only transaction, with every statement prepared once and each
// query served by an index on account_id — a fair version of that loop, not
// an artificially slow one (no ORM, no job queue, no per-account process).
//
//   bench-per-account-loop URL [--as-of ISO8601] [--billing on|off]
//
// URL is sqlite:PATH, postgresql://... or mysql://... (the job's forms).
// Eligible accounts are read in keyset batches of 1,000 (like find_each);
// then, for each, one query per trait: user count, board count, active
// users in 30 days, storage total, storage ledger since the total, active
// webhooks, join code, entropy, system user, and the plan when billing is on.
// Writes one tab-separated line of traits per account on stdout, and
// "accounts N queries Q" on stderr at the end.

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/mysql.hpp"
#include "db/postgresql.hpp"
#include "db/sqlite.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace {

using namespace ss;
using Value = std::optional<std::string>;

enum Query {
    k_user_count,
    k_board_count,
    k_active_users,
    k_storage_total,
    k_storage_entries,
    k_webhooks,
    k_join_code,
    k_entropy,
    k_system_user,
    k_plan,
    k_query_count
};

struct Account {
    core::Uuid id;
    Value name, created_at, cards_count;
};

struct Window {
    std::string created_before, window_start, as_of;
};

// One database: the batch query and one single-valued query per trait, each
// taking the account (and, for the ledger, the total's last entry id).
class Loop {
public:
    virtual ~Loop() = default;
    virtual std::vector<Account> accounts_after(const core::Uuid& after) = 0;
    // The first column of the first row, or nullopt when there is no row or it is NULL.
    virtual Value ask(Query query, const core::Uuid& account, const Value& extra) = 0;
    // A row's second column (storage_total: last_entry_id), from the last ask().
    virtual Value second() = 0;
    virtual bool has_billing() = 0;
};

// ----------------------------------------------------------------- PostgreSQL

class PgLoop final : public Loop {
public:
    PgLoop(const config::DatabaseUrl& url, Window w) : m_db(url, db::ConnectOptions{}), m_w(std::move(w)) {
        m_db.begin(db::PgTransactionKind::ReadOnlySnapshot);
        m_db.prepare("accounts",
                     "SELECT a.id::text, a.name, to_char(a.created_at, 'YYYY-MM-DD HH24:MI:SS.US'), a.cards_count "
                     "FROM accounts AS a WHERE a.id > $1::uuid AND a.created_at < $2::timestamp "
                     "AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id) "
                     "AND NOT EXISTS (SELECT 1 FROM account_imports AS ai WHERE ai.account_id = a.id "
                     "AND ai.status IN ('pending', 'processing', 'failed')) ORDER BY a.id LIMIT 1000");
        const char* sql[k_query_count] = {
            "SELECT count(*) FROM users WHERE account_id = $1::uuid AND active AND role <> 'system'",
            "SELECT count(*) FROM boards WHERE account_id = $1::uuid",
            // The users of the account first (about 10), then their events in the window.
            "SELECT count(*) FROM users AS u WHERE u.account_id = $1::uuid AND u.role <> 'system' AND EXISTS "
            "(SELECT 1 FROM events AS e WHERE e.account_id = $1::uuid AND e.creator_id = u.id "
            "AND e.created_at >= $2::timestamp AND e.created_at < $3::timestamp)",
            "SELECT bytes_stored::text, last_entry_id::text FROM storage_totals WHERE owner_type = 'Account' "
            "AND owner_id = $1::uuid ORDER BY created_at, id LIMIT 1",
            "SELECT coalesce(sum(delta), 0)::text FROM storage_entries WHERE account_id = $1::uuid "
            "AND ($2::uuid IS NULL OR id > $2::uuid)",
            "SELECT count(*) FROM webhooks WHERE account_id = $1::uuid AND active",
            "SELECT 1 FROM account_join_codes WHERE account_id = $1::uuid LIMIT 1",
            "SELECT auto_postpone_period FROM entropies WHERE container_type = 'Account' AND container_id = $1::uuid "
            "ORDER BY created_at, id LIMIT 1",
            "SELECT id::text FROM users WHERE account_id = $1::uuid AND role = 'system' ORDER BY created_at, id LIMIT 1",
            "SELECT plan_key FROM account_subscriptions WHERE account_id = $1::uuid "
            "AND status IN ('active', 'trialing', 'past_due') AND plan_key IS NOT NULL "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
        };
        m_billing = m_db.has_table("account_subscriptions");
        for (int q = 0; q < k_query_count; ++q) {
            if (q == k_plan && !m_billing) continue;
            m_db.prepare(fmt::format("q{}", q), sql[q]);
        }
    }

    std::vector<Account> accounts_after(const core::Uuid& after) override {
        std::vector<Account> out;
        for (const auto row : m_db.execute("accounts", {after.to_dashed(), m_w.created_before})) {
            out.push_back({*core::Uuid::from_hex(row.text(0)), row.optional_text(1), row.optional_text(2),
                           row.optional_text(3)});
        }
        return out;
    }

    Value ask(Query query, const core::Uuid& account, const Value& extra) override {
        db::PgParams params{account.to_dashed()};
        if (query == k_active_users) params.insert(params.end(), {m_w.window_start, m_w.as_of});
        if (query == k_storage_entries) params.push_back(extra);
        m_last = m_db.execute(fmt::format("q{}", static_cast<int>(query)), params);
        if (m_last.empty()) return std::nullopt;
        return m_last.row(0).optional_text(0);
    }
    Value second() override { return m_last.empty() ? std::nullopt : m_last.row(0).optional_text(1); }
    bool has_billing() override { return m_billing; }

private:
    db::PgConnection m_db;
    Window m_w;
    db::PgResult m_last;
    bool m_billing = false;
};

// ------------------------------------------------------------ MySQL/MariaDB

class MysqlLoop final : public Loop {
public:
    MysqlLoop(const config::DatabaseUrl& url, Window w) : m_db(url, db::ConnectOptions{}), m_w(std::move(w)) {
        m_db.begin(db::MysqlTransactionKind::ReadOnlySnapshot);
        m_accounts.emplace(m_db.prepare(
            "SELECT a.id, a.name, DATE_FORMAT(a.created_at, '%Y-%m-%d %H:%i:%s.%f'), a.cards_count "
            "FROM accounts AS a WHERE a.id > UNHEX(:after) AND a.created_at < CAST(:created_before AS DATETIME(6)) "
            "AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id) "
            "AND NOT EXISTS (SELECT 1 FROM account_imports AS ai WHERE ai.account_id = a.id "
            "AND ai.status IN ('pending', 'processing', 'failed')) ORDER BY a.id LIMIT 1000"));
        const char* sql[k_query_count] = {
            "SELECT COUNT(*) FROM users WHERE account_id = UNHEX(:account) AND active = 1 AND role <> 'system'",
            "SELECT COUNT(*) FROM boards WHERE account_id = UNHEX(:account)",
            "SELECT COUNT(DISTINCT e.creator_id) FROM events AS e JOIN users AS u ON u.id = e.creator_id "
            "WHERE e.account_id = UNHEX(:account) AND e.created_at >= CAST(:window_start AS DATETIME(6)) "
            "AND e.created_at < CAST(:as_of AS DATETIME(6)) AND u.account_id = UNHEX(:account) "
            "AND u.role <> 'system'",
            "SELECT CAST(bytes_stored AS CHAR), HEX(last_entry_id) FROM storage_totals WHERE owner_type = 'Account' "
            "AND owner_id = UNHEX(:account) ORDER BY created_at, id LIMIT 1",
            "SELECT CAST(COALESCE(SUM(delta), 0) AS CHAR) FROM storage_entries WHERE account_id = UNHEX(:account) "
            "AND (:last_entry IS NULL OR id > UNHEX(:last_entry))",
            "SELECT COUNT(*) FROM webhooks WHERE account_id = UNHEX(:account) AND active = 1",
            "SELECT 1 FROM account_join_codes WHERE account_id = UNHEX(:account) LIMIT 1",
            "SELECT auto_postpone_period FROM entropies WHERE container_type = 'Account' "
            "AND container_id = UNHEX(:account) ORDER BY created_at, id LIMIT 1",
            "SELECT HEX(id) FROM users WHERE account_id = UNHEX(:account) AND role = 'system' "
            "ORDER BY created_at, id LIMIT 1",
            "SELECT plan_key FROM account_subscriptions WHERE account_id = UNHEX(:account) "
            "AND status IN ('active', 'trialing', 'past_due') AND plan_key IS NOT NULL "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
        };
        m_billing = m_db.has_table("account_subscriptions");
        for (int q = 0; q < k_query_count; ++q) {
            if (q == k_plan && !m_billing) {
                m_statements.emplace_back();
                continue;
            }
            m_statements.emplace_back(m_db.prepare(sql[q], fmt::format("q{}", q)));
        }
    }

    std::vector<Account> accounts_after(const core::Uuid& after) override {
        m_accounts->bind_text(":after", after.to_hex()).bind_text(":created_before", m_w.created_before);
        auto rows = m_accounts->query();
        std::vector<Account> out;
        while (rows.next()) {
            out.push_back({*core::Uuid::from_bytes(rows.bytes(0)), rows.optional_bytes(1), rows.optional_bytes(2),
                           rows.optional_bytes(3)});
        }
        return out;
    }

    Value ask(Query query, const core::Uuid& account, const Value& extra) override {
        auto& statement = *m_statements[static_cast<std::size_t>(query)];
        statement.bind_text(":account", account.to_hex());
        if (query == k_active_users) {
            statement.bind_text(":window_start", m_w.window_start).bind_text(":as_of", m_w.as_of);
        }
        if (query == k_storage_entries) {
            if (extra) statement.bind_text(":last_entry", *extra);
            else statement.bind_null(":last_entry");
        }
        m_last.reset();
        m_last.emplace(statement.query());
        m_second.reset();
        if (!m_last->next()) return std::nullopt;
        if (query == k_storage_total) m_second = m_last->optional_bytes(1);
        return m_last->optional_bytes(0);
    }
    Value second() override { return m_second; }
    bool has_billing() override { return m_billing; }

private:
    db::MysqlConnection m_db;
    Window m_w;
    std::optional<db::MysqlStatement> m_accounts;
    std::vector<std::optional<db::MysqlStatement>> m_statements;
    std::optional<db::MysqlRows> m_last;
    Value m_second;
    bool m_billing = false;
};

// --------------------------------------------------------------------- SQLite

class SqliteLoop final : public Loop {
public:
    SqliteLoop(const config::DatabaseUrl& url, Window w)
        : m_db(url.path, db::SqliteDb::Mode::ReadOnly, url.redacted()), m_w(std::move(w)) {
        m_db.exec("BEGIN");
        m_accounts.emplace(m_db.prepare(
            "SELECT a.id, a.name, a.created_at, a.cards_count FROM accounts AS a "
            "WHERE a.id > :after AND a.created_at < :created_before "
            "AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id) "
            "AND NOT EXISTS (SELECT 1 FROM account_imports AS ai WHERE ai.account_id = a.id "
            "AND ai.status IN ('pending', 'processing', 'failed')) ORDER BY a.id LIMIT 1000"));
        const char* sql[k_query_count] = {
            "SELECT count(*) FROM users WHERE account_id = :account AND active = 1 AND role <> 'system'",
            "SELECT count(*) FROM boards WHERE account_id = :account",
            "SELECT count(DISTINCT e.creator_id) FROM events AS e JOIN users AS u ON u.id = e.creator_id "
            "WHERE e.account_id = :account AND e.created_at >= :window_start AND e.created_at < :as_of "
            "AND u.account_id = :account AND u.role <> 'system'",
            "SELECT bytes_stored, last_entry_id FROM storage_totals WHERE owner_type = 'Account' "
            "AND owner_id = :account ORDER BY created_at, id LIMIT 1",
            "SELECT coalesce(sum(delta), 0) FROM storage_entries WHERE account_id = :account "
            "AND (:last_entry IS NULL OR id > :last_entry)",
            "SELECT count(*) FROM webhooks WHERE account_id = :account AND active = 1",
            "SELECT 1 FROM account_join_codes WHERE account_id = :account LIMIT 1",
            "SELECT auto_postpone_period FROM entropies WHERE container_type = 'Account' "
            "AND container_id = :account ORDER BY created_at, id LIMIT 1",
            "SELECT id FROM users WHERE account_id = :account AND role = 'system' ORDER BY created_at, id LIMIT 1",
            "SELECT plan_key FROM account_subscriptions WHERE account_id = :account "
            "AND status IN ('active', 'trialing', 'past_due') AND plan_key IS NOT NULL "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
        };
        m_billing = m_db.has_table("account_subscriptions");
        for (int q = 0; q < k_query_count; ++q) {
            if (q == k_plan && !m_billing) {
                m_statements.emplace_back();
                continue;
            }
            m_statements.emplace_back(m_db.prepare(sql[q]));
        }
    }

    std::vector<Account> accounts_after(const core::Uuid& after) override {
        auto& s = *m_accounts;
        s.reset();
        s.bind_blob(":after", after.raw()).bind_text(":created_before", m_w.created_before);
        std::vector<Account> out;
        while (s.step()) {
            auto id = core::Uuid::from_bytes(s.column_bytes(0));
            if (!id) continue;
            out.push_back({*id, s.column_optional_bytes(1), s.column_optional_bytes(2), s.column_optional_bytes(3)});
        }
        return out;
    }

    Value ask(Query query, const core::Uuid& account, const Value& extra) override {
        auto& s = *m_statements[static_cast<std::size_t>(query)];
        s.reset();
        s.bind_blob(":account", account.raw());
        if (query == k_active_users) s.bind_text(":window_start", m_w.window_start).bind_text(":as_of", m_w.as_of);
        if (query == k_storage_entries) {
            if (extra) s.bind_blob(":last_entry", *extra);
            else s.bind_null(":last_entry");
        }
        m_second.reset();
        if (!s.step()) return std::nullopt;
        if (query == k_storage_total) m_second = s.column_optional_bytes(1);
        return s.column_optional_bytes(0);
    }
    Value second() override { return m_second; }
    bool has_billing() override { return m_billing; }

private:
    db::SqliteDb m_db;
    Window m_w;
    std::optional<db::SqliteStatement> m_accounts;
    std::vector<std::optional<db::SqliteStatement>> m_statements;
    Value m_second;
    bool m_billing = false;
};

std::string text(const Value& v) { return v ? *v : "\\N"; }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench-per-account-loop URL [--as-of ISO8601] [--billing on|off]\n");
        return 2;
    }
    std::string as_of_text = "2026-11-20T08:00:00Z";
    std::string billing = "auto";
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--as-of") as_of_text = argv[i + 1];
        else if (flag == "--billing") billing = argv[i + 1];
    }
    try {
        const auto as_of = core::parse_iso8601(as_of_text);
        if (!as_of) throw core::UsageError("--as-of: not an ISO 8601 instant");
        const Window window{core::format_db_datetime_micros(*as_of, 1),
                            core::format_db_datetime(*as_of - std::chrono::days{30}),
                            core::format_db_datetime(*as_of)};
        const auto url = config::DatabaseUrl::parse(argv[1], "URL");
        std::unique_ptr<Loop> loop;
        switch (url.scheme) {
            case config::DatabaseScheme::Postgresql: loop = std::make_unique<PgLoop>(url, window); break;
            case config::DatabaseScheme::Mysql: loop = std::make_unique<MysqlLoop>(url, window); break;
            case config::DatabaseScheme::Sqlite: loop = std::make_unique<SqliteLoop>(url, window); break;
        }
        const bool plans = billing == "on" || (billing == "auto" && loop->has_billing());
        std::int64_t accounts = 0, queries = 0;
        std::string line;
        core::Uuid after;
        for (;;) {
            const auto batch = loop->accounts_after(after);
            ++queries;
            for (const auto& a : batch) {
                const Value users = loop->ask(k_user_count, a.id, {});
                const Value boards = loop->ask(k_board_count, a.id, {});
                const Value active = loop->ask(k_active_users, a.id, {});
                const Value total = loop->ask(k_storage_total, a.id, {});
                const Value last_entry = loop->second();
                const Value pending = loop->ask(k_storage_entries, a.id, last_entry);
                const Value hooks = loop->ask(k_webhooks, a.id, {});
                const Value join = loop->ask(k_join_code, a.id, {});
                const Value entropy = loop->ask(k_entropy, a.id, {});
                const Value system = loop->ask(k_system_user, a.id, {});
                queries += 9;
                Value plan;
                if (plans) {
                    plan = loop->ask(k_plan, a.id, {});
                    ++queries;
                }
                line = fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}+{}\t{}\t{}\t{}\t{}\t{}\n", a.id.to_hex(),
                                   text(a.name), text(a.created_at), text(a.cards_count), text(users), text(boards),
                                   text(active), text(total), text(pending), text(hooks), join ? "true" : "false",
                                   text(entropy), system ? "system" : "-", text(plan));
                std::fwrite(line.data(), 1, line.size(), stdout);
                ++accounts;
            }
            if (batch.size() < 1000) break;
            after = batch.back().id;
        }
        std::fprintf(stderr, "accounts %lld queries %lld\n", static_cast<long long>(accounts),
                     static_cast<long long>(queries));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-per-account-loop: %s\n", e.what());
        return 1;
    }
}
