#include "source/sqlite/sqlite_source.hpp"

#include "core/error.hpp"
#include "db/sqlite.hpp"
#include "source/embedded_sql.hpp"
#include "source/registry.hpp"

#include <sqlite3.h>

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::source {
namespace {

// snapshot_shard(id, n): the shard of an id, the same function shard_of()
// computes and the other dialects compute in SQL.
void snapshot_shard_function(sqlite3_context* context, int, sqlite3_value** args) {
    const auto* bytes = static_cast<const char*>(sqlite3_value_blob(args[0]));
    const int size = sqlite3_value_bytes(args[0]);
    const sqlite3_int64 count = sqlite3_value_int64(args[1]);
    if (bytes == nullptr || count < 1 || count > UINT32_MAX) {
        sqlite3_result_null(context);
        return;
    }
    const std::string_view raw(bytes, static_cast<std::size_t>(size));
    sqlite3_result_int64(context, shard_of_bytes(raw, static_cast<std::uint32_t>(count)));
}

// snapshot_sum(x): sum() for the storage ledger, which must not fail the
// query: SQLite's sum() raises "integer overflow" past 64 bits, and one
// damaged ledger would then stop the run for every account. The result is
// the exact integer sum, or a real when it is not one (an overflow, or a
// value that is not an integer), which read_row reports as that account's
// defect. NULLs are skipped, like sum(); no values give NULL.
struct LedgerSum {
    std::int64_t exact;
    double approximate;
    bool inexact;
    bool any;
};

void snapshot_sum_step(sqlite3_context* context, int, sqlite3_value** args) {
    auto* sum = static_cast<LedgerSum*>(sqlite3_aggregate_context(context, sizeof(LedgerSum)));  // zeroed
    if (sum == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
    }
    const int type = sqlite3_value_type(args[0]);
    if (type == SQLITE_NULL) return;
    sum->any = true;
    sum->approximate += sqlite3_value_double(args[0]);
    if (type != SQLITE_INTEGER || __builtin_add_overflow(sum->exact, sqlite3_value_int64(args[0]), &sum->exact)) {
        sum->inexact = true;
    }
}

void snapshot_sum_final(sqlite3_context* context) {
    const auto* sum = static_cast<LedgerSum*>(sqlite3_aggregate_context(context, 0));
    if (sum == nullptr || !sum->any) {
        sqlite3_result_null(context);
    } else if (sum->inexact) {
        sqlite3_result_double(context, sum->approximate);
    } else {
        sqlite3_result_int64(context, sum->exact);
    }
}

std::optional<core::Uuid> optional_id(const db::SqliteStatement& row, int column, std::optional<std::string>& defect,
                                      std::string_view what) {
    auto bytes = row.column_optional_bytes(column);
    if (!bytes) return std::nullopt;
    auto id = core::Uuid::from_bytes(*bytes);
    if (!id) defect = fmt::format("{} is {} bytes, not a 16-byte id", what, bytes->size());
    return id;
}

// SQLite keeps whatever it is given: an integer column may hold text or a
// real, which sqlite3_column_int64 would read as 0 or truncate. Such a
// value is a defect of that account (reported as failed), never a number.
std::optional<std::int64_t> integer_column(const db::SqliteStatement& row, int column,
                                           std::optional<std::string>& defect, std::string_view what) {
    if (row.is_null(column)) return std::nullopt;
    if (!row.is_integer(column)) {
        if (!defect) defect = fmt::format("{} is not a 64-bit integer: '{}'", what, row.column_bytes(column).substr(0, 40));
        return std::nullopt;
    }
    return row.column_int(column);
}

class SqliteSource final : public AccountSource {
public:
    SqliteSource(config::DatabaseUrl url) : m_url(std::move(url)) { open(); }

    std::string describe() const override { return m_url.redacted(); }

    void begin_snapshot() override { m_db->exec("BEGIN"); }
    void end_snapshot() override { m_db->exec("COMMIT"); }

    void reconnect() override {
        m_traits.reset();
        m_plans.reset();
        m_db.reset();
        open();
        begin_snapshot();
    }

    bool has_table(const std::string& table) override { return m_db->has_table(table); }

    std::vector<std::string> missing_columns(const std::vector<TableColumns>& required) override {
        std::vector<std::string> missing;
        for (const auto& [table, columns] : required) {
            if (!m_db->has_table(table)) {
                missing.push_back(table);
                continue;
            }
            for (const auto& column : columns) {
                if (!m_db->has_column(table, column)) missing.push_back(table + "." + column);
            }
        }
        return missing;
    }

    std::int64_t count_eligible(const SnapshotQuery& query) override {
        auto stmt = m_db->prepare(sql_file("sqlite/eligible_count.sql"));
        bind_snapshot(stmt, query);
        if (!stmt.step()) m_db->fail("eligible_count.sql returned no row");
        return stmt.column_int(0);
    }

protected:
    std::vector<AccountRow> fetch_traits(const SnapshotQuery& query, const core::Uuid& after,
                                         std::size_t limit) override {
        if (!m_traits) m_traits.emplace(m_db->prepare(sql_file("sqlite/account_traits.sql")));
        auto& stmt = *m_traits;
        stmt.reset();
        bind_snapshot(stmt, query);
        stmt.bind_blob(":after", after.raw()).bind(":chunk_size", static_cast<std::int64_t>(limit));
        std::vector<AccountRow> rows;
        rows.reserve(limit);
        while (stmt.step()) rows.push_back(read_row(stmt));
        return rows;
    }

    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid& after,
                                                                const core::Uuid& last) override {
        if (!m_plans) m_plans.emplace(m_db->prepare(sql_file("sqlite/account_plans.sql")));
        auto& stmt = *m_plans;
        stmt.reset();
        stmt.bind_blob(":after", after.raw()).bind_blob(":last", last.raw());
        std::vector<std::pair<core::Uuid, std::string>> plans;
        while (stmt.step()) {
            auto id = core::Uuid::from_bytes(stmt.column_bytes(0));
            if (id) plans.emplace_back(*id, stmt.column_bytes(1));
        }
        return plans;
    }

private:
    void open() {
        m_db = std::make_unique<db::SqliteDb>(m_url.path, db::SqliteDb::Mode::ReadOnly, m_url.redacted());
        try {
            m_db->exec("SELECT count(*) FROM sqlite_schema");
        } catch (const core::Error& e) {
            // A WAL database whose app is stopped has no -shm file, and a
            // reader that may not write the directory cannot create one.
            // With no -wal file either, nobody is writing: read it as immutable.
            if (std::string_view(e.what()).find("readonly") == std::string_view::npos ||
                std::filesystem::exists(m_url.path + "-wal")) {
                throw;
            }
            spdlog::warn("{}: cannot create the WAL index beside a stopped database; reading it as immutable",
                         m_url.redacted());
            m_db = std::make_unique<db::SqliteDb>(m_url.path, db::SqliteDb::Mode::Immutable, m_url.redacted());
        }
        if (sqlite3_create_function_v2(m_db->native(), "snapshot_shard", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                       nullptr, &snapshot_shard_function, nullptr, nullptr, nullptr) != SQLITE_OK) {
            m_db->fail("cannot register snapshot_shard()");
        }
        if (sqlite3_create_function_v2(m_db->native(), "snapshot_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                       nullptr, &snapshot_sum_step, &snapshot_sum_final, nullptr) != SQLITE_OK) {
            m_db->fail("cannot register snapshot_sum()");
        }
        // A file that is not a database shows here, not halfway through the run.
        m_db->exec("SELECT count(*) FROM sqlite_schema");
        warn_about_malformed_ids();
    }

    // SQLite alone can hold an account id that is not 16 bytes. Such a row
    // names no Fizzy account and cannot be rendered as one, so the SQL skips
    // it; say so rather than skip it silently.
    void warn_about_malformed_ids() {
        if (!m_db->has_table("accounts")) return;
        auto stmt = m_db->prepare("SELECT count(*) FROM accounts WHERE length(id) <> 16 OR id IS NULL");
        if (stmt.step() && stmt.column_int(0) > 0) {
            spdlog::warn("{}: {} account rows have an id that is not 16 bytes; they are skipped", m_url.redacted(),
                         stmt.column_int(0));
        }
    }

    static void bind_snapshot(db::SqliteStatement& stmt, const SnapshotQuery& query) {
        stmt.bind_text(":created_before", query.created_before_text())
            .bind_text(":window_start", query.window_start_text())
            .bind_text(":as_of", query.as_of_text())
            .bind(":shard_count", query.shard.count)
            .bind(":shard_index", query.shard.index);
    }

    static AccountRow read_row(const db::SqliteStatement& row) {
        AccountRow out;
        // The SQL selects 16-byte ids only (see open()).
        out.id = core::Uuid::from_bytes(row.column_bytes(0)).value_or(core::Uuid{});
        out.name = row.column_optional_bytes(1);
        out.created_at = row.column_optional_bytes(2);
        out.cards_count = integer_column(row, 3, out.defect, "accounts.cards_count");
        out.user_count = row.column_int(4);
        out.board_count = row.column_int(5);
        out.active_user_count_30d = row.column_int(6);
        out.storage_used_bytes = integer_column(row, 7, out.defect, "storage_used_bytes").value_or(0);
        out.webhook_count = row.column_int(8);
        out.has_join_code = row.column_int(9) != 0;
        out.entropy_period_seconds = integer_column(row, 10, out.defect, "entropies.auto_postpone_period");
        out.system_user_id = optional_id(row, 11, out.defect, "system user id");
        out.owner_user_id = optional_id(row, 12, out.defect, "owner user id");
        return out;
    }

    config::DatabaseUrl m_url;
    std::unique_ptr<db::SqliteDb> m_db;
    std::optional<db::SqliteStatement> m_traits;
    std::optional<db::SqliteStatement> m_plans;
};

}  // namespace

std::unique_ptr<AccountSource> open_sqlite_source(const config::DatabaseUrl& url, const SourceOptions&) {
    return std::make_unique<SqliteSource>(url);
}

}  // namespace ss::source
