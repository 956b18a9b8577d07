#include "sink/segment/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace ss::sink {
namespace {

// Only lower bounds on time: a slow machine can make pacing slower, never faster.
TEST(RateLimiter, PacesMessagesAtTheConfiguredRate) {
    RateLimiter limiter(200, 0);  // 200 messages/s
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.acquire(20, {}));  // 100 messages: the 5th waits 4 x 100 ms
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(390));
}

TEST(RateLimiter, UnlimitedDoesNotWait) {
    RateLimiter limiter(0, 0);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.acquire(2500, {}));
}

TEST(RateLimiter, ThrottlePausesEveryone) {
    RateLimiter limiter(0, 0);
    limiter.on_throttled(std::chrono::milliseconds(200));
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(limiter.acquire(1, {}));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
}

TEST(RateLimiter, StopEndsTheWait) {
    RateLimiter limiter(1, 0);
    ASSERT_TRUE(limiter.acquire(1000, {}));  // the next one would wait 1000 s
    std::stop_source stop;
    stop.request_stop();
    EXPECT_FALSE(limiter.acquire(1, stop.get_token()));
}

// A batch whose turn has come goes out even after a stop: the sender holding it
// finishes it, rather than drop it while another sender's later batch is delivered.
TEST(RateLimiter, AStopDoesNotTakeAwayATurnThatHasCome) {
    RateLimiter limiter(0, 0);
    std::stop_source stop;
    stop.request_stop();
    EXPECT_TRUE(limiter.acquire(100, stop.get_token()));
    EXPECT_TRUE(sleep_for(std::chrono::milliseconds(0), stop.get_token()));
    EXPECT_FALSE(sleep_for(std::chrono::milliseconds(100'000), stop.get_token()));
}

}  // namespace
}  // namespace ss::sink
