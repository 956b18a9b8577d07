#pragma once
// The sink stage: where batches go. Two implementations: the Segment HTTP
// sink (segment/) and the dry-run sink, which writes each message as a line
// on stdout. The pipeline calls deliver() from several sender threads, one
// Sink object per thread (see SinkFactory).

#include "batch/batch.hpp"
#include "core/uuid.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace ss::sink {

struct DeliveryReport {
    enum class Status {
        Delivered,    // every message acknowledged, or rejected on its own (see rejected)
        Failed,       // gave up (retries exhausted, or a final error): nothing here is settled
        Interrupted,  // stop was requested while waiting to send or to retry
    };
    Status status = Status::Delivered;
    std::string failure;  // why, when not Delivered
    std::vector<batch::AccountFailure> rejected;  // messages Segment refused on their own (400)
    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
    std::uint64_t bytes_sent = 0;  // request bodies as sent (compressed when gzip is on)
};

class Sink {
public:
    virtual ~Sink() = default;
    // `stop` interrupts waits (backoff, pacing), never a request under way.
    virtual DeliveryReport deliver(const batch::Batch& batch, std::stop_token stop) = 0;
};

// Makes the sink of one sender thread.
using SinkFactory = std::function<std::unique_ptr<Sink>()>;

}  // namespace ss::sink
