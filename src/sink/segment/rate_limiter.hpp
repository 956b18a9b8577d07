#pragma once
// Paces every sender of a run together (SPEC §5: Segment asks for about
// 1,000 events/s per workspace and answers 429 past its limits). Each send
// reserves its messages against a schedule at the configured rate; a 429
// pauses all senders and halves the rate, which then recovers as requests
// succeed.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <stop_token>

namespace ss::sink {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // 0 = unlimited, for either.
    RateLimiter(double messages_per_second, double requests_per_second);

    // Waits until `messages` may go out as one request. False when a stop cut
    // the wait short (not when their turn had already come).
    bool acquire(std::size_t messages, std::stop_token stop);

    // A 429: nobody sends for `pause`, and the message rate halves.
    void on_throttled(std::chrono::milliseconds pause);
    // A success: the rate climbs back by 5% of the configured one.
    void on_success();

    double configured_rate() const { return m_configured; }
    double current_rate() const;
    std::size_t throttled_count() const;

private:
    mutable std::mutex m_mutex;
    double m_configured;
    double m_rate;
    double m_requests_per_second;
    Clock::time_point m_next_message{};
    Clock::time_point m_next_request{};
    Clock::time_point m_paused_until{};
    std::size_t m_throttled = 0;
};

// Sleeps for `d` unless stop is requested first; false when that cut it short.
bool sleep_for(std::chrono::milliseconds d, std::stop_token stop);

}  // namespace ss::sink
