#include "sink/segment/segment_sink.hpp"

#include "core/time.hpp"
#include "sink/segment/curl_transport.hpp"
#include "sink/segment/gzip.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::sink {
namespace {

std::string describe(const HttpResponse& response) {
    if (response.status == 0) return response.network_error;
    std::string body = response.body.substr(0, 200);
    for (char& c : body) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return body.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {}: {}", response.status, body);
}

}  // namespace

SegmentSink::SegmentSink(std::unique_ptr<Transport> transport, std::shared_ptr<RateLimiter> limiter,
                         SegmentSinkSettings settings, Clock clock)
    : m_transport(std::move(transport)),
      m_limiter(std::move(limiter)),
      m_settings(settings),
      m_clock(std::move(clock)),
      m_rng(std::random_device{}()) {}

DeliveryReport SegmentSink::deliver(const batch::Batch& batch, std::stop_token stop) {
    DeliveryReport report;
    if (!batch.messages.empty()) deliver_range(batch.messages, report, stop);
    return report;
}

bool SegmentSink::deliver_range(std::span<const message::EncodedMessage> messages, DeliveryReport& report,
                                std::stop_token stop) {
    for (unsigned retry = 0;; ++retry) {
        if (!m_limiter->acquire(messages.size(), stop)) {
            report.status = DeliveryReport::Status::Interrupted;
            report.failure = "stopped while waiting to send";
            return false;
        }
        // sentAt is rendered per attempt: Segment corrects timestamp by receivedAt - sentAt.
        batch::render_body(messages, core::format_iso8601_millis(m_clock()), m_body);
        if (m_settings.gzip) m_gzip.compress(m_body, m_payload);
        const std::string_view wire = m_settings.gzip ? std::string_view(m_payload) : std::string_view(m_body);
        const HttpResponse response = m_transport->post({wire, m_settings.gzip, retry});
        ++report.requests;
        report.bytes_sent += wire.size();
        if (retry > 0) ++report.retries;

        switch (classify(response)) {
            case Verdict::Delivered:
                m_limiter->on_success();
                return true;
            case Verdict::Split:
                if (messages.size() == 1) {
                    report.rejected.push_back({messages.front().account, "refused by Segment: " + describe(response)});
                    return true;
                } else {
                    const std::size_t half = messages.size() / 2;
                    spdlog::warn("{}; splitting {} messages to isolate the refused one", describe(response),
                                 messages.size());
                    return deliver_range(messages.first(half), report, stop) &&
                           deliver_range(messages.subspan(half), report, stop);
                }
            case Verdict::Fatal:
                report.status = DeliveryReport::Status::Failed;
                report.failure = describe(response);
                return false;
            case Verdict::Retry: break;
        }
        if (retry >= m_settings.max_retries) {
            report.status = DeliveryReport::Status::Failed;
            report.failure = fmt::format("gave up after {} retries; last answer: {}", retry, describe(response));
            return false;
        }
        const Millis delay = retry_delay(response, retry, m_settings.backoff, m_rng);
        if (response.status == 429) m_limiter->on_throttled(delay);
        spdlog::warn("{}; retry {} of {} in {} ms", describe(response), retry + 1, m_settings.max_retries,
                     delay.count());
        if (!sleep_for(delay, stop)) {
            report.status = DeliveryReport::Status::Interrupted;
            report.failure = "stopped while waiting to retry: " + describe(response);
            return false;
        }
    }
}

SinkFactory segment_sink_factory(SegmentEndpoint endpoint, SegmentSinkSettings settings,
                                 std::shared_ptr<RateLimiter> limiter) {
    std::string host = endpoint.host;
    while (!host.empty() && host.back() == '/') host.pop_back();
    CurlOptions options{host + "/v1/batch", endpoint.write_key, endpoint.connect_timeout_seconds,
                        endpoint.request_timeout_seconds, endpoint.tls_verify, endpoint.user_agent};
    return [options, settings, limiter] {
        return std::make_unique<SegmentSink>(make_curl_transport(options), limiter, settings);
    };
}

}  // namespace ss::sink
