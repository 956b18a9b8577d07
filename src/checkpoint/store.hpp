#pragma once
// Where checkpoints live. A plain path is a file (atomic replace + fsync);
// sqlite:, postgresql:// and mysql:// URLs keep it in a table, for pods
// whose disk does not outlive them. Chosen by scheme in store.cpp.

#include "checkpoint/checkpoint.hpp"
#include "source/shard.hpp"

#include <memory>
#include <optional>
#include <string>

namespace ss::checkpoint {

class CheckpointStore {
public:
    virtual ~CheckpointStore() = default;
    // For logs and errors (paths, redacted URLs).
    virtual std::string describe() const = 0;
    // nullopt when there is none yet; throws core::UsageError when it cannot be read.
    virtual std::optional<Checkpoint> load() = 0;
    // Durable when it returns.
    virtual void save(const Checkpoint& checkpoint) = 0;
};

// The default location when checkpoint.location is empty: $STATE_DIRECTORY
// (systemd's StateDirectory=), else /var/lib/snapshot-sync as root, else
// $XDG_STATE_HOME or ~/.local/state/snapshot-sync.
std::string default_checkpoint_location();

// Opens (and locks, so two runs of one job and shard never share it) the
// store at `location`. Each shard has its own checkpoint.
std::unique_ptr<CheckpointStore> open_checkpoint_store(const std::string& location, const source::Shard& shard,
                                                       const std::string& job);

}  // namespace ss::checkpoint
