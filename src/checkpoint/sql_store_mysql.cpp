#include "checkpoint/sql_store.hpp"

#include "db/mysql.hpp"

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

class MysqlStateTables final : public StateTables {
public:
    MysqlStateTables(const config::DatabaseUrl& url, const SqlStoreOptions& options)
        : m_db(url, db::ConnectOptions{options.password, options.connect_timeout_seconds, "snapshot-sync checkpoint"}) {}

    std::string describe() const override { return m_db.label(); }

    bool tables_exist() override { return m_db.has_table(k_checkpoint_table) && m_db.has_table(k_fingerprint_table); }

    void create_tables() override {
        m_db.exec(fmt::format("CREATE TABLE IF NOT EXISTS {} (job varchar(64) NOT NULL, shard varchar(16) NOT NULL, "
                              "body mediumtext NOT NULL, updated_at datetime(6) NOT NULL, PRIMARY KEY (job, shard)) "
                              "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                              k_checkpoint_table));
        m_db.exec(fmt::format("CREATE TABLE IF NOT EXISTS {} (job varchar(64) NOT NULL, shard varchar(16) NOT NULL, "
                              "generation tinyint NOT NULL, account_id binary(16) NOT NULL, fingerprint bigint NOT NULL, "
                              "PRIMARY KEY (job, shard, generation, account_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                              k_fingerprint_table));
    }

    bool try_lock(const std::string& name) override {
        auto stmt = m_db.prepare("SELECT GET_LOCK(:name, 0)", "GET_LOCK");
        stmt.bind_text(":name", name);
        auto rows = stmt.query();
        const bool locked = rows.next() && rows.optional_integer(0) == 1;
        while (rows.next()) {
        }
        return locked;
    }

    void begin() override { m_db.begin(db::MysqlTransactionKind::ReadWrite); }
    void commit() override { m_db.commit(); }
    void rollback() override { m_db.rollback(); }

    std::optional<std::string> load_checkpoint(const std::string& job, const std::string& shard) override {
        auto stmt = m_db.prepare(fmt::format("SELECT body FROM {} WHERE job = :job AND shard = :shard", k_checkpoint_table),
                                 "load checkpoint");
        stmt.bind_text(":job", job).bind_text(":shard", shard);
        auto rows = stmt.query();
        if (!rows.next()) return std::nullopt;
        std::string body = rows.bytes(0);
        while (rows.next()) {
        }
        return body;
    }

    void save_checkpoint(const std::string& job, const std::string& shard, const std::string& body) override {
        auto stmt = m_db.prepare(fmt::format("INSERT INTO {} (job, shard, body, updated_at) VALUES (:job, :shard, :body, "
                                             "UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE body = VALUES(body), "
                                             "updated_at = VALUES(updated_at)",
                                             k_checkpoint_table),
                                 "save checkpoint");
        stmt.bind_text(":job", job).bind_text(":shard", shard).bind_text(":body", body);
        stmt.run();
    }

    void insert_fingerprints(const std::string& job, const std::string& shard, int generation,
                             std::span<const FingerprintRecord> records) override {
        // One multi-row statement per commit; the values are hex ids and integers.
        std::string sql = fmt::format("INSERT INTO {} (job, shard, generation, account_id, fingerprint) VALUES ",
                                      k_fingerprint_table);
        for (std::size_t i = 0; i < records.size(); ++i) {
            sql += fmt::format("{}('{}','{}',{},X'{}',{})", i ? "," : "", job, shard, generation,
                               records[i].account.to_hex(), to_column(records[i].fingerprint));
        }
        sql += " ON DUPLICATE KEY UPDATE fingerprint = VALUES(fingerprint)";
        m_db.exec(sql);
    }

    void delete_generation(const std::string& job, const std::string& shard, int generation) override {
        auto stmt = m_db.prepare(fmt::format("DELETE FROM {} WHERE job = :job AND shard = :shard AND generation = :generation",
                                             k_fingerprint_table),
                                 "delete fingerprints");
        stmt.bind_text(":job", job).bind_text(":shard", shard).bind(":generation", generation);
        stmt.run();
    }

    void promote(const std::string& job, const std::string& shard) override {
        delete_generation(job, shard, 0);
        auto stmt = m_db.prepare(fmt::format("UPDATE {} SET generation = 0 WHERE job = :job AND shard = :shard AND "
                                             "generation = 1",
                                             k_fingerprint_table),
                                 "promote fingerprints");
        stmt.bind_text(":job", job).bind_text(":shard", shard);
        stmt.run();
    }

    std::vector<FingerprintRecord> page(const std::string& job, const std::string& shard,
                                        const std::optional<core::Uuid>& after, std::size_t limit) override {
        auto stmt = m_db.prepare(fmt::format("SELECT account_id, fingerprint FROM {} WHERE job = :job AND shard = :shard "
                                             "AND generation = 0 AND account_id > :after ORDER BY account_id LIMIT :limit",
                                             k_fingerprint_table),
                                 "read fingerprints");
        stmt.bind_text(":job", job).bind_text(":shard", shard).bind_text(":after", after ? after->raw() : std::string_view{})
            .bind(":limit", static_cast<std::int64_t>(limit));
        auto rows = stmt.query();
        std::vector<FingerprintRecord> out;
        while (rows.next()) {
            if (auto id = core::Uuid::from_bytes(rows.bytes(0))) out.push_back({*id, from_column(rows.integer(1))});
        }
        return out;
    }

private:
    db::MysqlConnection m_db;
};

}  // namespace

std::unique_ptr<StateTables> mysql_state_tables(const config::DatabaseUrl& url, const SqlStoreOptions& options) {
    return std::make_unique<MysqlStateTables>(url, options);
}

}  // namespace ss::checkpoint
