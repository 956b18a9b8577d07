#pragma once
// The Segment sink: POSTs each batch to {host}/v1/batch (SPEC §5) with
// gzip, Basic auth, a fresh sentAt on every attempt, retries with backoff
// or Retry-After, shared pacing, and a 400 answered by halving the batch
// until the refused message is isolated, so every good message still goes.

#include "sink/segment/gzip.hpp"
#include "sink/segment/rate_limiter.hpp"
#include "sink/segment/retry_policy.hpp"
#include "sink/segment/transport.hpp"
#include "sink/sink.hpp"

#include <functional>
#include <memory>
#include <random>
#include <span>

namespace ss::sink {

struct SegmentSinkSettings {
    unsigned max_retries = 10;
    bool gzip = true;
    BackoffSettings backoff;
};

class SegmentSink final : public Sink {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    SegmentSink(std::unique_ptr<Transport> transport, std::shared_ptr<RateLimiter> limiter,
                SegmentSinkSettings settings, Clock clock = &std::chrono::system_clock::now);

    DeliveryReport deliver(const batch::Batch& batch, std::stop_token stop) override;

private:
    // False when the report's status is no longer Delivered.
    bool deliver_range(std::span<const message::EncodedMessage> messages, DeliveryReport& report,
                       std::stop_token stop);

    std::unique_ptr<Transport> m_transport;
    std::shared_ptr<RateLimiter> m_limiter;
    SegmentSinkSettings m_settings;
    Clock m_clock;
    std::mt19937_64 m_rng;
    GzipCompressor m_gzip;
    std::string m_body;     // reused from request to request: bodies are up to 500 KB
    std::string m_payload;
};

// Everything needed to reach Segment (or a Segment-compatible collector).
struct SegmentEndpoint {
    std::string host;  // e.g. https://api.segment.io; /v1/batch is appended
    std::string write_key;
    double connect_timeout_seconds = 10;
    double request_timeout_seconds = 30;
    bool tls_verify = true;
    std::string user_agent;
};

// One SegmentSink (with its own connection) per call, all sharing `limiter`.
SinkFactory segment_sink_factory(SegmentEndpoint endpoint, SegmentSinkSettings settings,
                                 std::shared_ptr<RateLimiter> limiter);

}  // namespace ss::sink
