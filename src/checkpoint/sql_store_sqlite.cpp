#include "checkpoint/sql_store.hpp"

#include "core/error.hpp"
#include "db/sqlite.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

class SqliteStateTables final : public StateTables {
public:
    SqliteStateTables(const std::string& path, Access access, std::string label)
        : m_path(path),
          m_db(path, access == Access::ReadWrite ? db::SqliteDb::Mode::Create : db::SqliteDb::Mode::ReadOnly,
               std::move(label)) {
        m_db.exec("PRAGMA synchronous = FULL");  // a committed checkpoint survives a power cut
    }
    ~SqliteStateTables() override {
        if (m_lock >= 0) ::close(m_lock);
    }

    std::string describe() const override { return m_db.label(); }

    bool tables_exist() override { return m_db.has_table(k_checkpoint_table) && m_db.has_table(k_fingerprint_table); }

    void create_tables() override {
        m_db.exec(fmt::format("CREATE TABLE IF NOT EXISTS {} (job TEXT NOT NULL, shard TEXT NOT NULL, body TEXT NOT NULL, "
                              "updated_at TEXT NOT NULL, PRIMARY KEY (job, shard))",
                              k_checkpoint_table));
        m_db.exec(fmt::format("CREATE TABLE IF NOT EXISTS {} (job TEXT NOT NULL, shard TEXT NOT NULL, generation INTEGER "
                              "NOT NULL, account_id BLOB NOT NULL, fingerprint INTEGER NOT NULL, "
                              "PRIMARY KEY (job, shard, generation, account_id))",
                              k_fingerprint_table));
    }

    // SQLite has no session locks: a lock file beside the database.
    bool try_lock(const std::string& name) override {
        std::string safe = name;
        for (char& c : safe) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
        }
        const std::string path = m_path + "." + safe + ".lock";
        m_lock = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_lock < 0) {
            throw core::UsageError(fmt::format("{}: cannot open the lock file: {}", path, std::strerror(errno)));
        }
        return ::flock(m_lock, LOCK_EX | LOCK_NB) == 0;
    }

    void begin() override { m_db.exec("BEGIN IMMEDIATE"); }
    void commit() override { m_db.exec("COMMIT"); }
    void rollback() override { m_db.exec("ROLLBACK"); }

    std::optional<std::string> load_checkpoint(const std::string& job, const std::string& shard) override {
        auto stmt = m_db.prepare(fmt::format("SELECT body FROM {} WHERE job = ?1 AND shard = ?2", k_checkpoint_table));
        stmt.bind_text(1, job).bind_text(2, shard);
        if (!stmt.step()) return std::nullopt;
        return stmt.column_bytes(0);
    }

    void save_checkpoint(const std::string& job, const std::string& shard, const std::string& body) override {
        auto stmt = m_db.prepare(fmt::format(
            "INSERT INTO {} (job, shard, body, updated_at) VALUES (?1, ?2, ?3, datetime('now')) "
            "ON CONFLICT (job, shard) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            k_checkpoint_table));
        stmt.bind_text(1, job).bind_text(2, shard).bind_text(3, body);
        stmt.run();
    }

    void insert_fingerprints(const std::string& job, const std::string& shard, int generation,
                             std::span<const FingerprintRecord> records) override {
        auto stmt = m_db.prepare(fmt::format(
            "INSERT OR REPLACE INTO {} (job, shard, generation, account_id, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5)",
            k_fingerprint_table));
        for (const auto& r : records) {
            stmt.bind_text(1, job).bind_text(2, shard).bind(3, generation).bind_blob(4, r.account.raw()).bind(5, to_column(r.fingerprint));
            stmt.run();
        }
    }

    void delete_generation(const std::string& job, const std::string& shard, int generation) override {
        auto stmt = m_db.prepare(fmt::format("DELETE FROM {} WHERE job = ?1 AND shard = ?2 AND generation = ?3",
                                             k_fingerprint_table));
        stmt.bind_text(1, job).bind_text(2, shard).bind(3, generation);
        stmt.run();
    }

    void promote(const std::string& job, const std::string& shard) override {
        delete_generation(job, shard, 0);
        auto stmt = m_db.prepare(fmt::format(
            "UPDATE {} SET generation = 0 WHERE job = ?1 AND shard = ?2 AND generation = 1", k_fingerprint_table));
        stmt.bind_text(1, job).bind_text(2, shard);
        stmt.run();
    }

    std::vector<FingerprintRecord> page(const std::string& job, const std::string& shard,
                                        const std::optional<core::Uuid>& after, std::size_t limit) override {
        auto stmt = m_db.prepare(fmt::format(
            "SELECT account_id, fingerprint FROM {} WHERE job = ?1 AND shard = ?2 AND generation = 0 "
            "AND account_id > ?3 ORDER BY account_id LIMIT ?4",
            k_fingerprint_table));
        stmt.bind_text(1, job).bind_text(2, shard).bind_blob(3, after ? after->raw() : std::string_view{})
            .bind(4, static_cast<std::int64_t>(limit));
        std::vector<FingerprintRecord> out;
        while (stmt.step()) {
            if (auto id = core::Uuid::from_bytes(stmt.column_bytes(0))) out.push_back({*id, from_column(stmt.column_int(1))});
        }
        return out;
    }

private:
    std::string m_path;
    db::SqliteDb m_db;
    int m_lock = -1;
};

}  // namespace

std::unique_ptr<StateTables> sqlite_state_tables(const config::DatabaseUrl& url, Access access) {
    if (access == Access::ReadOnly && !std::filesystem::exists(url.path)) return nullptr;
    return std::make_unique<SqliteStateTables>(url.path, access, url.redacted());
}

}  // namespace ss::checkpoint
