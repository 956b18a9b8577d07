#include "checkpoint/sql_store.hpp"

#include "core/error.hpp"

#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

constexpr std::size_t k_page = 10'000;

// Reads the acknowledged fingerprints a page at a time, in id order.
class PagedCursor final : public FingerprintCursor {
public:
    PagedCursor(StateTables& tables, std::string job, std::string shard, std::optional<core::Uuid> after)
        : m_tables(tables), m_job(std::move(job)), m_shard(std::move(shard)), m_after(after) {
        fill();
    }

    std::optional<std::uint64_t> find(const core::Uuid& account) override {
        for (;;) {
            while (m_next < m_page.size() && m_page[m_next].account < account) ++m_next;
            if (m_next < m_page.size()) {
                if (m_page[m_next].account == account) return m_page[m_next].fingerprint;
                return std::nullopt;
            }
            if (m_exhausted) return std::nullopt;
            fill();
        }
    }

private:
    void fill() {
        m_page = m_tables.page(m_job, m_shard, m_after, k_page);
        m_next = 0;
        m_exhausted = m_page.size() < k_page;
        if (!m_page.empty()) m_after = m_page.back().account;
    }

    StateTables& m_tables;
    std::string m_job, m_shard;
    std::optional<core::Uuid> m_after;
    std::vector<FingerprintRecord> m_page;
    std::size_t m_next = 0;
    bool m_exhausted = false;
};

// A store whose tables do not exist yet has no fingerprints.
struct NoTables final : StateTables {
    std::string describe() const override { return "(none)"; }
    bool tables_exist() override { return false; }
    void create_tables() override {}
    bool try_lock(const std::string&) override { return true; }
    void begin() override {}
    void commit() override {}
    void rollback() override {}
    std::optional<std::string> load_checkpoint(const std::string&, const std::string&) override { return {}; }
    void save_checkpoint(const std::string&, const std::string&, const std::string&) override {}
    void insert_fingerprints(const std::string&, const std::string&, int, std::span<const FingerprintRecord>) override {}
    void delete_generation(const std::string&, const std::string&, int) override {}
    void promote(const std::string&, const std::string&) override {}
    std::vector<FingerprintRecord> page(const std::string&, const std::string&, const std::optional<core::Uuid>&,
                                        std::size_t) override {
        return {};
    }
};


class SqlStore final : public CheckpointStore {
public:
    SqlStore(std::unique_ptr<StateTables> tables, std::string job, const source::Shard& shard, Access access)
        : m_tables(std::move(tables)), m_job(std::move(job)), m_shard(shard.label()), m_access(access) {
        if (access == Access::ReadOnly) return;
        m_tables->create_tables();
        const std::string lock = fmt::format("snapshot-sync:{}:{}", m_job, m_shard);
        // A run that was just killed holds its server lock until the server
        // notices the closed connection, a moment later: a rerun that starts
        // at once (a restarted pod, a test) waits that moment out.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        bool locked = m_tables->try_lock(lock);
        while (!locked && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            locked = m_tables->try_lock(lock);
        }
        if (!locked) {
            throw core::Error(core::ErrorKind::Locked,
                              fmt::format("{}: another snapshot-sync run holds the checkpoint of job '{}' shard {}",
                                          m_tables->describe(), m_job, m_shard));
        }
    }

    std::string describe() const override { return m_tables->describe(); }

    std::optional<Checkpoint> load() override {
        if (m_access == Access::ReadOnly && !m_tables->tables_exist()) return std::nullopt;
        auto body = m_tables->load_checkpoint(m_job, m_shard);
        if (!body) return std::nullopt;
        return parse_checkpoint(*body, fmt::format("{} ({} {})", describe(), m_job, m_shard));
    }

    void begin(const Checkpoint& checkpoint, bool resuming) override {
        transaction([&] {
            // Commits were atomic, so a resumed snapshot's rows are exactly the committed ones.
            if (!resuming) m_tables->delete_generation(m_job, m_shard, 1);
            m_tables->save_checkpoint(m_job, m_shard, serialize(checkpoint));
        });
    }

    void commit(const Checkpoint& checkpoint, std::span<const FingerprintRecord> acknowledged) override {
        transaction([&] {
            if (!acknowledged.empty()) m_tables->insert_fingerprints(m_job, m_shard, 1, acknowledged);
            m_tables->save_checkpoint(m_job, m_shard, serialize(checkpoint));
        });
    }

    void finish(const Checkpoint& checkpoint) override {
        transaction([&] {
            m_tables->promote(m_job, m_shard);
            m_tables->save_checkpoint(m_job, m_shard, serialize(checkpoint));
        });
    }

    std::unique_ptr<FingerprintCursor> acknowledged_fingerprints(const std::optional<core::Uuid>& after) override {
        if (m_access == Access::ReadOnly && !m_tables->tables_exist()) {
            return std::make_unique<PagedCursor>(m_empty, m_job, m_shard, after);
        }
        return std::make_unique<PagedCursor>(*m_tables, m_job, m_shard, after);
    }

private:
    template <typename Body>
    void transaction(Body body) {
        if (m_access != Access::ReadWrite) throw core::Error(core::ErrorKind::Internal, describe() + ": opened read-only");
        m_tables->begin();
        try {
            body();
            m_tables->commit();
        } catch (...) {
            try {
                m_tables->rollback();
            } catch (const std::exception&) {
                // The first error is the one worth reporting.
            }
            throw;
        }
    }

    std::unique_ptr<StateTables> m_tables;
    std::string m_job;
    std::string m_shard;
    Access m_access;
    NoTables m_empty;
};

}  // namespace

std::int64_t to_column(std::uint64_t fingerprint) {
    std::int64_t value = 0;
    std::memcpy(&value, &fingerprint, sizeof value);
    return value;
}

std::uint64_t from_column(std::int64_t value) {
    std::uint64_t fingerprint = 0;
    std::memcpy(&fingerprint, &value, sizeof fingerprint);
    return fingerprint;
}

std::unique_ptr<CheckpointStore> open_sql_store(const config::DatabaseUrl& url, const source::Shard& shard,
                                                const std::string& job, const SqlStoreOptions& options) {
    std::unique_ptr<StateTables> tables;
    switch (url.scheme) {
        case config::DatabaseScheme::Sqlite:
            tables = sqlite_state_tables(url, options.access);
            if (!tables) tables = std::make_unique<NoTables>();  // a dry run's preview before any run
            break;
        case config::DatabaseScheme::Postgresql:
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
            tables = postgresql_state_tables(url, options);
            break;
#else
            throw core::UsageError("checkpoint.location: this build has no PostgreSQL support");
#endif
        case config::DatabaseScheme::Mysql:
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
            tables = mysql_state_tables(url, options);
            break;
#else
            throw core::UsageError("checkpoint.location: this build has no MySQL support");
#endif
    }
    return std::make_unique<SqlStore>(std::move(tables), job, shard, options.access);
}

}  // namespace ss::checkpoint
