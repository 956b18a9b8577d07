#include "sink/segment/retry_policy.hpp"

#include <gtest/gtest.h>

namespace ss::sink {
namespace {

HttpResponse status(int s) {
    HttpResponse r;
    r.status = s;
    return r;
}

TEST(RetryPolicy, ClassifiesLikeSegmentsLibraries) {
    EXPECT_EQ(classify(status(200)), Verdict::Delivered);
    EXPECT_EQ(classify(status(204)), Verdict::Delivered);
    EXPECT_EQ(classify(status(400)), Verdict::Split);
    EXPECT_EQ(classify(status(413)), Verdict::Split);
    for (int s : {408, 410, 429, 460, 500, 502, 503, 504, 599}) EXPECT_EQ(classify(status(s)), Verdict::Retry) << s;
    for (int s : {401, 403, 404, 405, 422, 501, 505, 511}) EXPECT_EQ(classify(status(s)), Verdict::Fatal) << s;
    HttpResponse network;
    network.network_error = "Connection refused";
    EXPECT_EQ(classify(network), Verdict::Retry);
}

TEST(RetryPolicy, RetryAfterInSecondsOrAsAnHttpDateCapped) {
    const auto now = std::chrono::system_clock::from_time_t(1'700'000'000);  // Tue, 14 Nov 2023 22:13:20 GMT
    const Millis cap{300'000};
    EXPECT_EQ(parse_retry_after("7", now, cap), Millis{7000});
    EXPECT_EQ(parse_retry_after("100000", now, cap), cap);
    EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now, cap), Millis{30'000});
    EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now, cap), Millis{0});  // in the past
    EXPECT_FALSE(parse_retry_after("soon", now, cap));
    EXPECT_FALSE(parse_retry_after("", now, cap));
    EXPECT_FALSE(parse_retry_after("-3", now, cap));
}

TEST(RetryPolicy, BackoffDoublesFrom500msWithJitterUpToTheCap) {
    std::mt19937_64 rng(42);
    const BackoffSettings settings;
    for (int trial = 0; trial < 200; ++trial) {
        for (unsigned retry = 0; retry < 12; ++retry) {
            const auto full = std::min<std::int64_t>(500LL << retry, 60'000);
            const auto d = backoff_delay(retry, settings, rng).count();
            EXPECT_GE(d, full / 2) << retry;
            EXPECT_LE(d, full) << retry;
        }
    }
}

TEST(RetryPolicy, RetryAfterWinsOverBackoff) {
    std::mt19937_64 rng(1);
    HttpResponse r = status(429);
    r.retry_after = "3";
    EXPECT_EQ(retry_delay(r, 5, BackoffSettings{}, rng), Millis{3000});
    r.retry_after = "garbage";
    const auto d = retry_delay(r, 0, BackoffSettings{}, rng);
    EXPECT_GE(d.count(), 250);
    EXPECT_LE(d.count(), 500);
}

}  // namespace
}  // namespace ss::sink
