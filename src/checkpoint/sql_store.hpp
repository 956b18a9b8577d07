#pragma once
// The state store in database tables, for pods whose disk does not outlive
// them. The rules are the file store's (store.hpp), kept in one place here;
// each database supplies a small StateTables adapter.
//
//   snapshot_sync_checkpoints  (job, shard) -> the checkpoint JSON
//   snapshot_sync_fingerprints (job, shard, generation, account_id) -> fingerprint
//     generation 0: the last finished snapshot's; 1: this snapshot's so far
//
// Every commit is one transaction (fingerprints and checkpoint together);
// finish() promotes generation 1 to 0 in the same transaction as the
// finished checkpoint. A session-level lock (advisory lock, GET_LOCK, or a
// lock file for SQLite) keeps two runs of a job and shard apart.

#include "checkpoint/store.hpp"
#include "config/database_url.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ss::checkpoint {

inline constexpr const char* k_checkpoint_table = "snapshot_sync_checkpoints";
inline constexpr const char* k_fingerprint_table = "snapshot_sync_fingerprints";

// What a database must offer the store. Values passed in are safe to put in
// SQL as literals: job names are [A-Za-z0-9_-], shards "I/N", ids bytes
// (rendered as hex by the adapter), fingerprints integers.
class StateTables {
public:
    virtual ~StateTables() = default;
    virtual std::string describe() const = 0;
    virtual bool tables_exist() = 0;
    virtual void create_tables() = 0;
    // Held until the adapter is destroyed; false when another session has it.
    virtual bool try_lock(const std::string& name) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual std::optional<std::string> load_checkpoint(const std::string& job, const std::string& shard) = 0;
    virtual void save_checkpoint(const std::string& job, const std::string& shard, const std::string& body) = 0;
    virtual void insert_fingerprints(const std::string& job, const std::string& shard, int generation,
                                     std::span<const FingerprintRecord> records) = 0;
    virtual void delete_generation(const std::string& job, const std::string& shard, int generation) = 0;
    virtual void promote(const std::string& job, const std::string& shard) = 0;  // 1 -> 0, old 0 dropped
    // Generation 0, id > after, ascending, at most `limit`.
    virtual std::vector<FingerprintRecord> page(const std::string& job, const std::string& shard,
                                                const std::optional<core::Uuid>& after, std::size_t limit) = 0;
};

struct SqlStoreOptions {
    Access access = Access::ReadWrite;
    std::optional<std::string> password;  // checkpoint.password_file
    double connect_timeout_seconds = 10.0;
};

std::unique_ptr<CheckpointStore> open_sql_store(const config::DatabaseUrl& url, const source::Shard& shard,
                                                const std::string& job, const SqlStoreOptions& options);

// Adapters, one per database (sql_store_sqlite.cpp, ..._postgresql.cpp, ..._mysql.cpp).
std::unique_ptr<StateTables> sqlite_state_tables(const config::DatabaseUrl& url, Access access);
std::unique_ptr<StateTables> postgresql_state_tables(const config::DatabaseUrl& url, const SqlStoreOptions& options);
std::unique_ptr<StateTables> mysql_state_tables(const config::DatabaseUrl& url, const SqlStoreOptions& options);

// Fingerprints are unsigned; the tables hold them as signed 64-bit integers.
std::int64_t to_column(std::uint64_t fingerprint);
std::uint64_t from_column(std::int64_t value);

}  // namespace ss::checkpoint
