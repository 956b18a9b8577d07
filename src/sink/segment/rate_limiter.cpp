#include "sink/segment/rate_limiter.hpp"

#include <algorithm>
#include <condition_variable>

namespace ss::sink {
namespace {

using Seconds = std::chrono::duration<double>;

RateLimiter::Clock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<RateLimiter::Clock::duration>(Seconds(seconds));
}

bool sleep_until(RateLimiter::Clock::time_point when, std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_until(lock, stop, when, [] { return false; });
    // Only a wait that a stop cut short counts as stopped: a batch whose turn
    // has come goes out, so one a sender already holds is not dropped while a
    // later one, held by another sender, is delivered.
    return RateLimiter::Clock::now() >= when;
}

}  // namespace

bool sleep_for(std::chrono::milliseconds d, std::stop_token stop) {
    return sleep_until(RateLimiter::Clock::now() + d, stop);
}

RateLimiter::RateLimiter(double messages_per_second, double requests_per_second)
    : m_configured(messages_per_second), m_rate(messages_per_second), m_requests_per_second(requests_per_second) {}

bool RateLimiter::acquire(std::size_t messages, std::stop_token stop) {
    Clock::time_point start;
    {
        std::lock_guard lock(m_mutex);
        const auto now = Clock::now();
        start = std::max(now, m_paused_until);
        if (m_rate > 0) {
            start = std::max(start, m_next_message);
            m_next_message = start + to_duration(static_cast<double>(messages) / m_rate);
        }
        if (m_requests_per_second > 0) {
            start = std::max(start, m_next_request);
            m_next_request = start + to_duration(1.0 / m_requests_per_second);
        }
    }
    return sleep_until(start, stop);
}

void RateLimiter::on_throttled(std::chrono::milliseconds pause) {
    std::lock_guard lock(m_mutex);
    ++m_throttled;
    m_paused_until = std::max(m_paused_until, Clock::now() + pause);
    if (m_rate > 0) m_rate = std::max(m_rate / 2, 1.0);
}

void RateLimiter::on_success() {
    std::lock_guard lock(m_mutex);
    if (m_configured > 0) m_rate = std::min(m_configured, m_rate + m_configured * 0.05);
}

double RateLimiter::current_rate() const {
    std::lock_guard lock(m_mutex);
    return m_rate;
}

std::size_t RateLimiter::throttled_count() const {
    std::lock_guard lock(m_mutex);
    return m_throttled;
}

}  // namespace ss::sink
