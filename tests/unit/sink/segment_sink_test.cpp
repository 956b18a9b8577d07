#include "sink/segment/segment_sink.hpp"

#include "core/time.hpp"

#include <zlib.h>

#include <deque>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ss::sink {
namespace {

std::string gunzip(std::string_view data) {
    z_stream s{};
    inflateInit2(&s, 15 + 16);
    std::string out(1 << 20, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
    out.resize(s.total_out);
    inflateEnd(&s);
    return out;
}

// Records every request; answers from a script, or by a rule on the body.
class FakeTransport final : public Transport {
public:
    struct Call {
        nlohmann::json body;
        bool gzipped;
        unsigned retry_count;
    };

    explicit FakeTransport(std::vector<Call>& calls, std::deque<HttpResponse> script = {},
                           std::string poison_group = {})
        : m_calls(calls), m_script(std::move(script)), m_poison(std::move(poison_group)) {}

    HttpResponse post(const PostRequest& request) override {
        const std::string body = request.gzipped ? gunzip(request.body) : std::string(request.body);
        auto json = nlohmann::json::parse(body);
        m_calls.push_back({json, request.gzipped, request.retry_count});
        if (!m_poison.empty()) {
            for (const auto& m : json["batch"]) {
                if (m["groupId"] == m_poison) return respond(400);
            }
        }
        if (!m_script.empty()) {
            auto r = m_script.front();
            m_script.pop_front();
            return r;
        }
        return respond(200);
    }

    static HttpResponse respond(int status, std::optional<std::string> retry_after = {}) {
        HttpResponse r;
        r.status = status;
        r.retry_after = std::move(retry_after);
        return r;
    }

private:
    std::vector<Call>& m_calls;
    std::deque<HttpResponse> m_script;
    std::string m_poison;
};

batch::Batch make_batch(int n) {
    batch::Batch b;
    for (int i = 0; i < n; ++i) {
        message::EncodedMessage m;
        core::Uuid::Bytes bytes{};
        bytes[15] = static_cast<std::uint8_t>(i + 1);
        m.account = core::Uuid{bytes};
        m.json = nlohmann::json{{"groupId", m.account.to_base36()}, {"messageId", std::to_string(i)}}.dump();
        b.messages.push_back(m);
    }
    return b;
}

SegmentSinkSettings fast_settings(unsigned retries = 3) {
    SegmentSinkSettings s;
    s.max_retries = retries;
    s.backoff.base = Millis{1};
    s.backoff.cap = Millis{4};
    return s;
}

std::shared_ptr<RateLimiter> unlimited() { return std::make_shared<RateLimiter>(0, 0); }

TEST(SegmentSink, GzipsAndSendsOneRequestPerBatch) {
    std::vector<FakeTransport::Call> calls;
    SegmentSink sink(std::make_unique<FakeTransport>(calls), unlimited(), fast_settings());
    const auto report = sink.deliver(make_batch(5), {});
    EXPECT_EQ(report.status, DeliveryReport::Status::Delivered);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0].gzipped);
    EXPECT_EQ(calls[0].body["batch"].size(), 5u);
    EXPECT_EQ(calls[0].retry_count, 0u);
    EXPECT_EQ(report.requests, 1u);
    EXPECT_EQ(report.retries, 0u);
}

TEST(SegmentSink, RetriesWithAFreshSentAtAndARetryCount) {
    std::vector<FakeTransport::Call> calls;
    int tick = 0;
    const auto clock = [&tick] {
        return std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 50) + std::chrono::seconds(tick++);
    };
    HttpResponse network;
    network.network_error = "Connection reset by peer";
    SegmentSink sink(std::make_unique<FakeTransport>(
                         calls, std::deque<HttpResponse>{FakeTransport::respond(503), network, FakeTransport::respond(429)}),
                     unlimited(), fast_settings(), clock);
    const auto report = sink.deliver(make_batch(3), {});
    EXPECT_EQ(report.status, DeliveryReport::Status::Delivered);
    ASSERT_EQ(calls.size(), 4u);
    for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(calls[i].retry_count, i);
    std::set<std::string> sent_at;
    for (const auto& c : calls) sent_at.insert(c.body["sentAt"].get<std::string>());
    EXPECT_EQ(sent_at.size(), 4u);  // regenerated on every attempt
    EXPECT_EQ(report.retries, 3u);
}

TEST(SegmentSink, GivesUpAfterTheRetryBudget) {
    std::vector<FakeTransport::Call> calls;
    std::deque<HttpResponse> storm(10, FakeTransport::respond(503));
    SegmentSink sink(std::make_unique<FakeTransport>(calls, storm), unlimited(), fast_settings(2));
    const auto report = sink.deliver(make_batch(2), {});
    EXPECT_EQ(report.status, DeliveryReport::Status::Failed);
    EXPECT_EQ(calls.size(), 3u);  // the first attempt and 2 retries
    EXPECT_EQ(report.failure, "gave up after 2 retries; last answer: HTTP 503");
}

TEST(SegmentSink, OtherClientErrorsAreFinal) {
    std::vector<FakeTransport::Call> calls;
    SegmentSink sink(std::make_unique<FakeTransport>(calls, std::deque<HttpResponse>{FakeTransport::respond(401)}),
                     unlimited(), fast_settings());
    const auto report = sink.deliver(make_batch(2), {});
    EXPECT_EQ(report.status, DeliveryReport::Status::Failed);
    EXPECT_EQ(calls.size(), 1u);
    EXPECT_EQ(report.failure, "HTTP 401");
}

TEST(SegmentSink, A400IsSplitUntilThePoisonMessageIsAlone) {
    std::vector<FakeTransport::Call> calls;
    const auto batch = make_batch(10);
    const std::string poison = batch.messages[6].account.to_base36();
    SegmentSink sink(std::make_unique<FakeTransport>(calls, std::deque<HttpResponse>{}, poison), unlimited(),
                     fast_settings());
    const auto report = sink.deliver(batch, {});
    EXPECT_EQ(report.status, DeliveryReport::Status::Delivered);
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_EQ(report.rejected[0].account, batch.messages[6].account);
    // Every other message went through exactly once in an accepted request.
    std::map<std::string, int> delivered;
    for (const auto& c : calls) {
        bool has_poison = false;
        for (const auto& m : c.body["batch"]) has_poison |= m["groupId"] == poison;
        if (has_poison) continue;
        for (const auto& m : c.body["batch"]) ++delivered[m["groupId"]];
    }
    EXPECT_EQ(delivered.size(), 9u);
    for (const auto& [gid, n] : delivered) EXPECT_EQ(n, 1) << gid;
    EXPECT_LE(calls.size(), 1u + 2u * 4u);  // log2(10) levels, two requests each at most
}

TEST(SegmentSink, StopInterruptsTheBackoffWait) {
    std::vector<FakeTransport::Call> calls;
    std::deque<HttpResponse> storm(5, FakeTransport::respond(503, "300"));
    auto settings = fast_settings(5);
    SegmentSink sink(std::make_unique<FakeTransport>(calls, storm), unlimited(), settings);
    std::stop_source stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        stop.request_stop();
    });
    const auto report = sink.deliver(make_batch(1), stop.get_token());
    stopper.join();
    EXPECT_EQ(report.status, DeliveryReport::Status::Interrupted);
    EXPECT_EQ(calls.size(), 1u);
}

TEST(SegmentSink, A429SlowsEverySenderDown) {
    auto limiter = std::make_shared<RateLimiter>(1000, 0);
    std::vector<FakeTransport::Call> calls;
    SegmentSink sink(std::make_unique<FakeTransport>(calls, std::deque<HttpResponse>{FakeTransport::respond(429, "0")}),
                     limiter, fast_settings());
    EXPECT_EQ(sink.deliver(make_batch(1), {}).status, DeliveryReport::Status::Delivered);
    EXPECT_EQ(limiter->throttled_count(), 1u);
    EXPECT_LT(limiter->current_rate(), 1000.0);  // halved, then recovering by 5% per success
    EXPECT_GE(limiter->current_rate(), 500.0);
}

}  // namespace
}  // namespace ss::sink
