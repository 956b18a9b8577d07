#pragma once
// What a run did, counted when batches settle (so a resumed run, which
// starts from the checkpoint's counters, never counts an account twice).

#include <cstdint>

namespace ss::pipeline {

struct Counters {
    std::int64_t sent = 0;           // acknowledged by Segment (or written, in a dry run)
    std::int64_t failed = 0;         // not sent: the row cannot be mapped, or the message is too large
    std::int64_t rejected = 0;       // refused by Segment on its own (a 400 for that message alone)
    std::int64_t unchanged = 0;      // skipped by change detection
    std::int64_t unknown_plans = 0;  // sent with mrr null
    std::int64_t batches = 0;        // batches with messages, settled
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t bytes_sent = 0;

    std::int64_t settled() const { return sent + failed + rejected + unchanged; }
    std::int64_t not_sent() const { return failed + rejected; }
    Counters& operator+=(const Counters& other);
    bool operator==(const Counters&) const = default;
};

}  // namespace ss::pipeline
