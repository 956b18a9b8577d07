#include "checkpoint/sql_store.hpp"

#include "db/postgresql.hpp"

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

std::string bytea(const core::Uuid& id) { return "\\x" + id.to_hex(); }

class PostgresqlStateTables final : public StateTables {
public:
    PostgresqlStateTables(const config::DatabaseUrl& url, const SqlStoreOptions& options)
        : m_db(url, db::ConnectOptions{options.password, options.connect_timeout_seconds, "snapshot-sync checkpoint"}) {}

    std::string describe() const override { return m_db.label(); }

    bool tables_exist() override { return m_db.has_table(k_checkpoint_table) && m_db.has_table(k_fingerprint_table); }

    void create_tables() override {
        if (tables_exist()) return;
        // Shards of an Indexed Job start together: create the tables one session at a time.
        m_db.query("SELECT pg_advisory_lock(hashtextextended('snapshot-sync:schema', 0))");
        m_db.exec(fmt::format(
            "CREATE TABLE IF NOT EXISTS {} (job varchar(64) NOT NULL, shard varchar(16) NOT NULL, body text NOT NULL, "
            "updated_at timestamp NOT NULL DEFAULT now(), PRIMARY KEY (job, shard));"
            "CREATE TABLE IF NOT EXISTS {} (job varchar(64) NOT NULL, shard varchar(16) NOT NULL, generation smallint "
            "NOT NULL, account_id bytea NOT NULL, fingerprint bigint NOT NULL, "
            "PRIMARY KEY (job, shard, generation, account_id))",
            k_checkpoint_table, k_fingerprint_table));
        m_db.query("SELECT pg_advisory_unlock(hashtextextended('snapshot-sync:schema', 0))");
    }

    bool try_lock(const std::string& name) override {
        const auto result = m_db.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", {name});
        return result.row(0).boolean(0);
    }

    void begin() override { m_db.begin(db::PgTransactionKind::ReadWrite); }
    void commit() override { m_db.commit(); }
    void rollback() override {
        if (m_db.in_transaction()) m_db.rollback();
    }

    std::optional<std::string> load_checkpoint(const std::string& job, const std::string& shard) override {
        const auto result = m_db.query(fmt::format("SELECT body FROM {} WHERE job = $1 AND shard = $2", k_checkpoint_table),
                                       {job, shard});
        if (result.empty()) return std::nullopt;
        return result.row(0).text(0);
    }

    void save_checkpoint(const std::string& job, const std::string& shard, const std::string& body) override {
        m_db.query(fmt::format("INSERT INTO {} (job, shard, body, updated_at) VALUES ($1, $2, $3, now()) "
                               "ON CONFLICT (job, shard) DO UPDATE SET body = excluded.body, updated_at = now()",
                               k_checkpoint_table),
                   {job, shard, body});
    }

    void insert_fingerprints(const std::string& job, const std::string& shard, int generation,
                             std::span<const FingerprintRecord> records) override {
        // One statement per commit: unnest() of two arrays keeps it to four parameters.
        std::string ids = "{", fingerprints = "{";
        for (std::size_t i = 0; i < records.size(); ++i) {
            if (i > 0) {
                ids += ',';
                fingerprints += ',';
            }
            ids += "\"\\\\x" + records[i].account.to_hex() + "\"";
            fingerprints += std::to_string(to_column(records[i].fingerprint));
        }
        ids += '}';
        fingerprints += '}';
        m_db.query(fmt::format("INSERT INTO {} (job, shard, generation, account_id, fingerprint) "
                               "SELECT $1, $2, $3::smallint, a, f FROM unnest($4::bytea[], $5::bigint[]) AS t(a, f) "
                               "ON CONFLICT (job, shard, generation, account_id) DO UPDATE SET fingerprint = excluded.fingerprint",
                               k_fingerprint_table),
                   {job, shard, std::to_string(generation), ids, fingerprints});
    }

    void delete_generation(const std::string& job, const std::string& shard, int generation) override {
        m_db.query(fmt::format("DELETE FROM {} WHERE job = $1 AND shard = $2 AND generation = $3::smallint",
                               k_fingerprint_table),
                   {job, shard, std::to_string(generation)});
    }

    void promote(const std::string& job, const std::string& shard) override {
        delete_generation(job, shard, 0);
        m_db.query(fmt::format("UPDATE {} SET generation = 0 WHERE job = $1 AND shard = $2 AND generation = 1",
                               k_fingerprint_table),
                   {job, shard});
    }

    std::vector<FingerprintRecord> page(const std::string& job, const std::string& shard,
                                        const std::optional<core::Uuid>& after, std::size_t limit) override {
        const auto result = m_db.query(
            fmt::format("SELECT encode(account_id, 'hex'), fingerprint FROM {} WHERE job = $1 AND shard = $2 AND "
                        "generation = 0 AND account_id > $3::bytea ORDER BY account_id LIMIT $4::bigint",
                        k_fingerprint_table),
            {job, shard, after ? bytea(*after) : std::string("\\x"), std::to_string(limit)});
        std::vector<FingerprintRecord> out;
        for (const auto row : result) {
            if (auto id = core::Uuid::from_hex(row.text(0))) out.push_back({*id, from_column(row.integer(1))});
        }
        return out;
    }

private:
    db::PgConnection m_db;
};

}  // namespace

std::unique_ptr<StateTables> postgresql_state_tables(const config::DatabaseUrl& url, const SqlStoreOptions& options) {
    return std::make_unique<PostgresqlStateTables>(url, options);
}

}  // namespace ss::checkpoint
