#include "pipeline/counters.hpp"

namespace ss::pipeline {

Counters& Counters::operator+=(const Counters& o) {
    sent += o.sent;
    failed += o.failed;
    rejected += o.rejected;
    unchanged += o.unchanged;
    unknown_plans += o.unknown_plans;
    batches += o.batches;
    requests += o.requests;
    retries += o.retries;
    bytes_sent += o.bytes_sent;
    return *this;
}

}  // namespace ss::pipeline
