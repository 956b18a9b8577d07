#pragma once
// Every exit status of snapshot-sync, in one place (README "Exit status" and
// the man page list the same).

#include "core/error.hpp"

namespace ss::app {

enum class ExitStatus : int {
    Success = 0,         // every eligible account delivered (or, in a dry run, written)
    Internal = 1,        // a bug: an unexpected exception
    Usage = 2,           // bad arguments, configuration, environment or checkpoint
    AccountsFailed = 3,  // the run completed, but some accounts were not sent (see the report)
    DeliveryFailed = 4,  // Segment could not be reached or refused the requests; checkpoint kept
    DatabaseFailed = 5,  // the database failed (connect, query, schema); checkpoint kept
    Interrupted = 6,     // SIGTERM/SIGINT: batches in flight finished, checkpoint saved
    Locked = 7,          // another run holds this checkpoint
};

constexpr int to_int(ExitStatus status) { return static_cast<int>(status); }

constexpr ExitStatus exit_status_for(core::ErrorKind kind) {
    switch (kind) {
        case core::ErrorKind::Usage: return ExitStatus::Usage;
        case core::ErrorKind::Locked: return ExitStatus::Locked;
        case core::ErrorKind::Database:
        case core::ErrorKind::ConnectionLost: return ExitStatus::DatabaseFailed;
        case core::ErrorKind::Delivery: return ExitStatus::DeliveryFailed;
        case core::ErrorKind::Internal: return ExitStatus::Internal;
    }
    return ExitStatus::Internal;
}

}  // namespace ss::app
