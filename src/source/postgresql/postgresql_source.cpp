#include "source/postgresql/postgresql_source.hpp"

#include "core/error.hpp"
#include "db/postgresql.hpp"
#include "source/embedded_sql.hpp"
#include "source/ledger_total.hpp"
#include "source/missing_columns.hpp"
#include "source/registry.hpp"

#include <deque>
#include <future>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::source {
namespace {

constexpr const char* k_traits = "account_traits";
constexpr const char* k_plans = "account_plans";
constexpr const char* k_count = "eligible_count";
constexpr const char* k_boundary = "chunk_boundary";

class PostgresqlSource final : public AccountSource {
public:
    PostgresqlSource(config::DatabaseUrl url, const SourceOptions& options)
        : m_url(std::move(url)),
          m_options{options.password, options.connect_timeout_seconds},
          m_parallel_reads(std::max(1, options.parallel_reads)) {
        m_db = open();
    }

    ~PostgresqlSource() override { drain(); }

    std::string describe() const override { return m_url.redacted(); }

    void begin_snapshot() override {
        m_db->begin(db::PgTransactionKind::ReadOnlySnapshot);
        if (m_parallel_reads > 1) share_snapshot();
    }

    void end_snapshot() override {
        drain();
        for (auto& reader : m_readers) reader->commit();
        m_readers.clear();
        m_db->commit();
    }

    void reconnect() override {
        drain();
        m_readers.clear();
        m_db.reset();
        m_db = open();
        begin_snapshot();
    }

    std::vector<AccountRow> read_chunk(const SnapshotQuery& query, const core::Uuid& after,
                                       std::size_t limit) override {
        if (m_readers.empty() || limit < 2) {
            drain();
            return AccountSource::read_chunk(query, after, limit);  // on m_db
        }
        if (m_ahead.empty() || m_ahead.front().after != after || m_ahead.front().limit != limit) {
            drain();  // not the chunk read ahead (a resume, a retry): start again from here
            read_ahead(query, after, limit);
        }
        // Keep every reader busy, then wait for the chunk asked for.
        while (m_ahead.size() < m_readers.size() && !m_reached_end) {
            const auto next = next_after(query, m_ahead.back().after, limit);
            if (!next) {
                m_reached_end = true;
                break;
            }
            read_ahead(query, *next, limit);
        }
        auto chunk = std::move(m_ahead.front());
        m_ahead.pop_front();
        return chunk.rows.get();
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
        return traits_on(*m_db, query, after, limit);
    }

    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid& after,
                                                                const core::Uuid& last) override {
        return plans_on(*m_db, after, last);
    }

private:
    // A chunk being read ahead on one of m_readers.
    struct Ahead {
        core::Uuid after;
        std::size_t limit = 0;
        std::future<std::vector<AccountRow>> rows;
    };

    std::unique_ptr<db::PgConnection> open() const {
        auto db = std::make_unique<db::PgConnection>(m_url, m_options);
        // account_traits.sql's estimated cost passes jit_above_cost, and
        // compiling it took longer than running it (about 1 s per chunk).
        try {
            db->exec("SET jit = off");
        } catch (const core::Error&) {
            // PostgreSQL before 11 has no JIT (and no such setting).
        }
        // Prepared lazily by the library, on first use, once per connection.
        db->prepare(k_traits, sql_file("postgresql/account_traits.sql"));
        db->prepare(k_plans, sql_file("postgresql/account_plans.sql"));
        db->prepare(k_count, sql_file("postgresql/eligible_count.sql"));
        db->prepare(k_boundary, sql_file("postgresql/chunk_boundary.sql"));
        return db;
    }

    // Opens the readers, each in the snapshot m_db's transaction exports. A
    // server that cannot export it, or refuses more connections, leaves fewer
    // readers (none: one chunk at a time on m_db), with a warning.
    void share_snapshot() {
        std::string snapshot;
        try {
            snapshot = m_db->export_snapshot();
        } catch (const core::Error& e) {
            if (e.kind() == core::ErrorKind::ConnectionLost) throw;
            spdlog::warn("{}; reading one chunk at a time", e.what());
            m_db->rollback();  // the failed statement ended the transaction's usefulness
            m_db->begin(db::PgTransactionKind::ReadOnlySnapshot);
            return;
        }
        for (int i = 0; i < m_parallel_reads; ++i) {
            try {
                auto reader = open();
                reader->begin(db::PgTransactionKind::ReadOnlySnapshot);
                reader->join_snapshot(snapshot);
                m_readers.push_back(std::move(reader));
            } catch (const core::Error& e) {
                spdlog::warn("{}; reading {} chunks at a time", e.what(), std::max<std::size_t>(1, m_readers.size()));
                break;
            }
        }
    }

    void read_ahead(const SnapshotQuery& query, const core::Uuid& after, std::size_t limit) {
        // Chunks are taken in order and m_ahead never holds more than one per
        // reader, so the next reader's previous chunk has been taken: it is idle.
        db::PgConnection& reader = *m_readers[m_next_reader];
        m_next_reader = (m_next_reader + 1) % m_readers.size();
        m_ahead.push_back({after, limit, std::async(std::launch::async, [this, &reader, query, after, limit] {
                               return read_on(reader, query, after, limit);
                           })});
    }

    // Waits for every chunk read ahead; their errors no longer matter.
    void drain() {
        for (auto& chunk : m_ahead) {
            try {
                chunk.rows.get();
            } catch (...) {
            }
        }
        m_ahead.clear();
        m_reached_end = false;
    }

    // The cursor of the chunk after the one that starts after `after`, or
    // nullopt when that one is the last.
    std::optional<core::Uuid> next_after(const SnapshotQuery& query, const core::Uuid& after, std::size_t limit) {
        const auto result =
            m_db->execute(k_boundary, {after.to_dashed(), query.created_before_text(), std::to_string(query.shard.count),
                                       std::to_string(query.shard.index), std::to_string(limit)});
        if (result.size() == 0) return std::nullopt;
        return parse_id(result.row(0).text(0));
    }

    // AccountSource::read_chunk on a reader's connection.
    std::vector<AccountRow> read_on(db::PgConnection& db, const SnapshotQuery& query, const core::Uuid& after,
                                    std::size_t limit) const {
        auto rows = traits_on(db, query, after, limit);
        if (query.read_plans && !rows.empty()) attach_plans(rows, plans_on(db, after, rows.back().id));
        return rows;
    }

    std::vector<AccountRow> traits_on(db::PgConnection& db, const SnapshotQuery& query, const core::Uuid& after,
                                      std::size_t limit) const {
        const auto result = db.execute(
            k_traits, {after.to_dashed(), std::to_string(limit), query.created_before_text(),
                       query.window_start_text(), query.as_of_text(), std::to_string(query.shard.count),
                       std::to_string(query.shard.index)});
        std::vector<AccountRow> rows;
        rows.reserve(result.size());
        for (const auto row : result) rows.push_back(read_row(row));
        return rows;
    }

    std::vector<std::pair<core::Uuid, std::string>> plans_on(db::PgConnection& db, const core::Uuid& after,
                                                             const core::Uuid& last) const {
        const auto result = db.execute(k_plans, {after.to_dashed(), last.to_dashed()});
        std::vector<std::pair<core::Uuid, std::string>> plans;
        plans.reserve(result.size());
        for (const auto row : result) plans.emplace_back(parse_id(row.text(0)), row.text(1));
        return plans;
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
    int m_parallel_reads;
    std::unique_ptr<db::PgConnection> m_db;                    // the snapshot's owner: counts, boundaries
    std::vector<std::unique_ptr<db::PgConnection>> m_readers;  // join its snapshot, read chunks ahead
    std::deque<Ahead> m_ahead;                                 // in id order, at most one per reader
    std::size_t m_next_reader = 0;
    bool m_reached_end = false;                                // m_ahead's last chunk is the last one
};

}  // namespace

std::unique_ptr<AccountSource> open_postgresql_source(const config::DatabaseUrl& url, const SourceOptions& options) {
    return std::make_unique<PostgresqlSource>(url, options);
}

}  // namespace ss::source
