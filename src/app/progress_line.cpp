#include "app/progress_line.hpp"

#include "core/log.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace ss::app {

ProgressLine::ProgressLine(std::int64_t total, bool)
    : m_enabled(core::stderr_is_terminal()), m_total(total), m_start(std::chrono::steady_clock::now()) {}

void ProgressLine::update(const pipeline::Counters& totals) {
    if (!m_enabled) return;
    const std::int64_t done = totals.settled();
    if (m_first < 0) m_first = done;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double rate = elapsed > 0 ? static_cast<double>(done - m_first) / elapsed : 0;
    std::string eta = "--:--";
    if (rate > 0 && m_total > done) {
        const auto left = static_cast<std::int64_t>(static_cast<double>(m_total - done) / rate);
        eta = fmt::format("{}:{:02}", left / 60, left % 60);
    }
    const int percent = m_total > 0 ? static_cast<int>(100 * done / m_total) : 100;
    std::fprintf(stderr, "\r\033[K%s", fmt::format("{} of {} accounts ({}%), {:.0f}/s, ETA {}", done, m_total,
                                                     percent, rate, eta).c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressLine::finish() {
    if (m_drawn) std::fprintf(stderr, "\r\033[K");
    m_drawn = false;
}

}  // namespace ss::app
