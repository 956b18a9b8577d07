#pragma once
// The outcome of a run, as an operator reads it: a short summary on
// stderr, the same as JSON with --report FILE, and (metrics.hpp) as
// Prometheus metrics.

#include "batch/batch.hpp"
#include "core/time.hpp"
#include "pipeline/counters.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ss::report {

struct RunReport {
    std::string status;  // completed | partial | delivery_failed | database_failed | interrupted
    int exit_status = 0;
    std::string reason;  // why it stopped, when it did not complete
    bool dry_run = false;
    bool resumed = false;
    bool changed_only = false;
    std::string as_of;
    std::string shard;  // "I/N"
    std::string source;  // redacted
    std::string destination;  // the Segment host, or "stdout"
    std::int64_t eligible = 0;
    pipeline::Counters totals;  // since the snapshot started (resumed runs included)
    std::int64_t accounts_read = 0;     // by this process
    std::int64_t sent_by_this_run = 0;  // acknowledged during this process (not before a resume)
    double duration_seconds = 0;
    double messages_per_second = 0;  // sent by this process / its duration
    std::vector<batch::AccountFailure> failures;
    std::int64_t failures_not_listed = 0;
    std::optional<core::Instant> last_success_at;
    core::Instant finished_at{};
};

std::string to_json(const RunReport& report);
std::vector<std::string> human_summary(const RunReport& report);

// Writes `text` to `path` atomically (temporary file + rename).
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace ss::report
