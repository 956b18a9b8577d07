#pragma once
// Where a job's state lives: its checkpoint and, for change detection, the
// fingerprint of what Segment last acknowledged for each account. A plain
// path is a pair of files (atomic replace + fsync); sqlite:, postgresql://
// and mysql:// URLs keep both in tables, for pods whose disk does not
// outlive them. Chosen by scheme in store.cpp.
//
// Fingerprints are written only for accounts whose batch Segment
// acknowledged, in the same durable step as the checkpoint that covers
// them, so a crash can never record an account that was not delivered.

#include "checkpoint/checkpoint.hpp"
#include "source/shard.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace ss::checkpoint {

struct FingerprintRecord {
    core::Uuid account;
    std::uint64_t fingerprint = 0;
};

// The fingerprints of the last finished snapshot, looked up in ascending
// account order (the order the source reads accounts in).
class FingerprintCursor {
public:
    virtual ~FingerprintCursor() = default;
    virtual std::optional<std::uint64_t> find(const core::Uuid& account) = 0;
};

enum class Access { ReadWrite, ReadOnly };

struct StoreOptions {
    Access access = Access::ReadWrite;
    std::optional<std::string> password;  // for a database store: checkpoint.password_file
    double connect_timeout_seconds = 10.0;
};

class CheckpointStore {
public:
    virtual ~CheckpointStore() = default;
    // For logs and errors (paths, redacted URLs).
    virtual std::string describe() const = 0;
    // nullopt when there is none yet; throws core::UsageError when it cannot be read.
    virtual std::optional<Checkpoint> load() = 0;
    // Saves the first checkpoint of a snapshot. A new snapshot drops the
    // fingerprints an abandoned one had recorded; a resumed one keeps those
    // up to its watermark.
    virtual void begin(const Checkpoint& checkpoint, bool resuming) = 0;
    // Saves the checkpoint and the fingerprints of the accounts acknowledged
    // since the last commit (ascending), atomically and durably.
    virtual void commit(const Checkpoint& checkpoint, std::span<const FingerprintRecord> acknowledged) = 0;
    // Saves the finished checkpoint: this snapshot's fingerprints replace the
    // previous snapshot's, so accounts no longer eligible drop out.
    virtual void finish(const Checkpoint& checkpoint) = 0;
    // What the last finished snapshot recorded, for accounts after `after`.
    virtual std::unique_ptr<FingerprintCursor> acknowledged_fingerprints(const std::optional<core::Uuid>& after) = 0;
};

// The default location when checkpoint.location is empty: $STATE_DIRECTORY
// (systemd's StateDirectory=), else /var/lib/snapshot-sync as root, else
// $XDG_STATE_HOME or ~/.local/state/snapshot-sync.
std::string default_checkpoint_location();

// Opens the store at `location` (a path, or a sqlite:, postgresql:// or
// mysql:// URL) for one job and shard. ReadWrite also locks it, so two runs
// of one job and shard never share it; ReadOnly (a dry run's change
// preview, validate) neither locks nor writes.
std::unique_ptr<CheckpointStore> open_checkpoint_store(const std::string& location, const source::Shard& shard,
                                                       const std::string& job, const StoreOptions& options = {});

// Store backends compiled in, for --version: "file sqlite postgresql mysql".
std::string compiled_checkpoint_stores();

}  // namespace ss::checkpoint
