#pragma once
// The durable record of a run: which snapshot (as_of) it is sending and how
// far it got (the watermark: every account up to it is settled). Saved
// after each settled batch; a run that finds an unfinished checkpoint
// resumes it with the same as_of, so resent messages keep their messageIds.
//
// The format is versioned JSON; a checkpoint that cannot be read or has an
// unknown version is an error, never a silent restart from zero.

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "pipeline/counters.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ss::checkpoint {

struct Checkpoint {
    static constexpr int k_version = 1;
    enum class State { Running, Finished };

    State state = State::Running;
    std::string job;    // segment.job_name
    std::string shard;  // "I/N"
    std::string source; // the database, redacted (a warning if it changes)
    core::Instant as_of{};
    core::Instant started_at{};
    core::Instant updated_at{};
    std::optional<core::Uuid> watermark;
    pipeline::Counters counters;
    std::optional<core::Instant> last_success_at;  // last run that finished with every account delivered
    std::optional<core::Instant> last_full_at;     // last finished run that sent every account (not changed-only)
    bool changed_only = false;                     // this snapshot sends only accounts whose traits changed
    std::int64_t fingerprints_recorded = 0;        // this snapshot's fingerprints committed so far (file store)

    bool operator==(const Checkpoint&) const = default;
};

std::string serialize(const Checkpoint& checkpoint);
// Throws core::UsageError "<origin>: <what is wrong>".
Checkpoint parse_checkpoint(std::string_view text, std::string_view origin);

}  // namespace ss::checkpoint
