#include "source/mysql/mysql_source.hpp"

#include "core/error.hpp"
#include "db/mysql.hpp"
#include "source/embedded_sql.hpp"
#include "source/ledger_total.hpp"
#include "source/missing_columns.hpp"
#include "source/registry.hpp"

#include <fmt/format.h>

namespace ss::source {
namespace {

std::optional<core::Uuid> optional_id(const db::MysqlRows& row, int column, std::optional<std::string>& defect,
                                      std::string_view what) {
    auto bytes = row.optional_bytes(column);
    if (!bytes) return std::nullopt;
    auto id = core::Uuid::from_bytes(*bytes);
    if (!id) defect = fmt::format("{} is {} bytes, not a 16-byte id", what, bytes->size());
    return id;
}

class MysqlSource final : public AccountSource {
public:
    MysqlSource(config::DatabaseUrl url, const SourceOptions& options)
        : m_url(std::move(url)), m_options{options.password, options.connect_timeout_seconds} {
        open();
    }

    std::string describe() const override { return m_url.redacted(); }

    void begin_snapshot() override { m_db->begin(db::MysqlTransactionKind::ReadOnlySnapshot); }
    void end_snapshot() override { m_db->commit(); }

    void reconnect() override {
        m_traits.reset();
        m_plans.reset();
        m_db.reset();
        open();
        begin_snapshot();
    }

    bool has_table(const std::string& table) override { return m_db->has_table(table); }

    std::vector<std::string> missing_columns(const std::vector<TableColumns>& required) override {
        return find_missing_columns(*m_db, required);
    }

    std::int64_t count_eligible(const SnapshotQuery& query) override {
        auto statement = m_db->prepare(sql_file("mysql/eligible_count.sql"), "eligible_count");
        bind_snapshot(statement, query);
        auto rows = statement.query();
        if (!rows.next()) throw core::DatabaseError(m_url.redacted() + ": eligible_count.sql returned no row");
        return rows.integer(0);
    }

protected:
    std::vector<AccountRow> fetch_traits(const SnapshotQuery& query, const core::Uuid& after,
                                         std::size_t limit) override {
        if (!m_traits) m_traits.emplace(m_db->prepare(sql_file("mysql/account_traits.sql"), "account_traits"));
        auto& statement = *m_traits;
        bind_snapshot(statement, query);
        statement.bind_text(":after", after.to_hex()).bind(":chunk_size", static_cast<std::int64_t>(limit));
        auto result = statement.query();
        std::vector<AccountRow> rows;
        rows.reserve(limit);
        while (result.next()) rows.push_back(read_row(result));
        return rows;
    }

    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid& after,
                                                                const core::Uuid& last) override {
        if (!m_plans) m_plans.emplace(m_db->prepare(sql_file("mysql/account_plans.sql"), "account_plans"));
        auto& statement = *m_plans;
        statement.bind_text(":after", after.to_hex()).bind_text(":last", last.to_hex());
        auto result = statement.query();
        std::vector<std::pair<core::Uuid, std::string>> plans;
        while (result.next()) {
            auto id = core::Uuid::from_bytes(result.bytes(0));
            if (id) plans.emplace_back(*id, result.bytes(1));
        }
        return plans;
    }

private:
    void open() { m_db = std::make_unique<db::MysqlConnection>(m_url, m_options); }

    static void bind_snapshot(db::MysqlStatement& statement, const SnapshotQuery& query) {
        statement.bind_text(":created_before", query.created_before_text())
            .bind_text(":window_start", query.window_start_text())
            .bind_text(":as_of", query.as_of_text())
            .bind(":shard_count", query.shard.count)
            .bind(":shard_index", query.shard.index);
    }

    AccountRow read_row(const db::MysqlRows& row) const {
        AccountRow out;
        const std::string id = row.bytes(0);
        auto parsed = core::Uuid::from_bytes(id);
        if (!parsed) {
            throw core::DatabaseError(
                fmt::format("{}: accounts.id is {} bytes, not a 16-byte id", m_url.redacted(), id.size()));
        }
        out.id = *parsed;
        out.name = row.optional_bytes(1);
        out.created_at = row.optional_bytes(2);
        out.cards_count = row.optional_integer(3);
        out.user_count = row.integer(4);
        out.board_count = row.integer(5);
        out.active_user_count_30d = row.integer(6);
        out.storage_used_bytes = ledger_total(row.bytes(7), out.defect);
        out.webhook_count = row.integer(8);
        out.has_join_code = row.integer(9) != 0;
        out.entropy_period_seconds = row.optional_integer(10);
        out.system_user_id = optional_id(row, 11, out.defect, "system user id");
        out.owner_user_id = optional_id(row, 12, out.defect, "owner user id");
        return out;
    }

    config::DatabaseUrl m_url;
    db::ConnectOptions m_options;
    std::unique_ptr<db::MysqlConnection> m_db;
    std::optional<db::MysqlStatement> m_traits;
    std::optional<db::MysqlStatement> m_plans;
};

}  // namespace

std::unique_ptr<AccountSource> open_mysql_source(const config::DatabaseUrl& url, const SourceOptions& options) {
    return std::make_unique<MysqlSource>(url, options);
}

}  // namespace ss::source
