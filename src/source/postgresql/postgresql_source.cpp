#include "source/postgresql/postgresql_source.hpp"

#include "core/error.hpp"
#include "db/postgresql.hpp"
#include "source/embedded_sql.hpp"
#include "source/ledger_total.hpp"
#include "source/missing_columns.hpp"
#include "source/registry.hpp"

#include <fmt/format.h>

namespace ss::source {
namespace {

constexpr const char* k_traits = "account_traits";
constexpr const char* k_plans = "account_plans";
constexpr const char* k_count = "eligible_count";

class PostgresqlSource final : public AccountSource {
public:
    PostgresqlSource(config::DatabaseUrl url, const SourceOptions& options)
        : m_url(std::move(url)), m_options{options.password, options.connect_timeout_seconds} {
        open();
    }

    std::string describe() const override { return m_url.redacted(); }

    void begin_snapshot() override { m_db->begin(db::PgTransactionKind::ReadOnlySnapshot); }
    void end_snapshot() override { m_db->commit(); }

    void reconnect() override {
        m_db.reset();
        open();
        begin_snapshot();
    }

    bool has_table(const std::string& table) override { return m_db->has_table(table); }

    std::vector<std::string> missing_columns(const std::vector<TableColumns>& required) override {
        return find_missing_columns(*m_db, required);
    }

    std::int64_t count_eligible(const SnapshotQuery& query) override {
        const auto result = m_db->execute(k_count, {query.created_before_text(), std::to_string(query.shard.count),
                                                    std::to_string(query.shard.index)});
        return result.row(0).integer(0);
    }

protected:
    std::vector<AccountRow> fetch_traits(const SnapshotQuery& query, const core::Uuid& after,
                                         std::size_t limit) override {
        const auto result = m_db->execute(
            k_traits, {after.to_dashed(), std::to_string(limit), query.created_before_text(),
                       query.window_start_text(), query.as_of_text(), std::to_string(query.shard.count),
                       std::to_string(query.shard.index)});
        std::vector<AccountRow> rows;
        rows.reserve(result.size());
        for (const auto row : result) rows.push_back(read_row(row));
        return rows;
    }

    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid& after,
                                                                const core::Uuid& last) override {
        const auto result = m_db->execute(k_plans, {after.to_dashed(), last.to_dashed()});
        std::vector<std::pair<core::Uuid, std::string>> plans;
        plans.reserve(result.size());
        for (const auto row : result) plans.emplace_back(parse_id(row.text(0)), row.text(1));
        return plans;
    }

private:
    void open() {
        m_db = std::make_unique<db::PgConnection>(m_url, m_options);
        // account_traits.sql's estimated cost passes jit_above_cost, and
        // compiling it took longer than running it (about 1 s per chunk).
        try {
            m_db->exec("SET jit = off");
        } catch (const core::Error&) {
            // PostgreSQL before 11 has no JIT (and no such setting).
        }
        // Prepared lazily by the library, on first use, once per connection.
        m_db->prepare(k_traits, sql_file("postgresql/account_traits.sql"));
        m_db->prepare(k_plans, sql_file("postgresql/account_plans.sql"));
        m_db->prepare(k_count, sql_file("postgresql/eligible_count.sql"));
    }

    // uuid text from the server: always 32 hex digits with dashes.
    core::Uuid parse_id(const std::string& text) const {
        auto id = core::Uuid::from_hex(text);
        if (!id) throw core::DatabaseError(fmt::format("{}: the server returned '{}' as an id", m_url.redacted(), text));
        return *id;
    }

    std::optional<core::Uuid> optional_id(const db::PgRow& row, std::size_t column) const {
        if (row.is_null(column)) return std::nullopt;
        return parse_id(row.text(column));
    }

    AccountRow read_row(const db::PgRow& row) const {
        AccountRow out;
        out.id = parse_id(row.text(0));
        out.name = row.optional_text(1);
        out.created_at = row.optional_text(2);
        out.cards_count = row.optional_integer(3);
        out.user_count = row.integer(4);
        out.board_count = row.integer(5);
        out.active_user_count_30d = row.integer(6);
        out.storage_used_bytes = ledger_total(row.text(7), out.defect);
        out.webhook_count = row.integer(8);
        out.has_join_code = row.boolean(9);
        out.entropy_period_seconds = row.optional_integer(10);
        out.system_user_id = optional_id(row, 11);
        out.owner_user_id = optional_id(row, 12);
        return out;
    }

    config::DatabaseUrl m_url;
    db::ConnectOptions m_options;
    std::unique_ptr<db::PgConnection> m_db;
};

}  // namespace

std::unique_ptr<AccountSource> open_postgresql_source(const config::DatabaseUrl& url, const SourceOptions& options) {
    return std::make_unique<PostgresqlSource>(url, options);
}

}  // namespace ss::source
