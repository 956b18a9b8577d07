#pragma once
// A live "done of total, rate, ETA" line on stderr when it is a terminal;
// silent otherwise (journald and CI logs get the summary instead).

#include "pipeline/counters.hpp"

#include <chrono>
#include <cstdint>

namespace ss::app {

class ProgressLine {
public:
    ProgressLine(std::int64_t total, bool dry_run);
    void update(const pipeline::Counters& totals);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
    std::int64_t m_total;
    std::int64_t m_first = -1;  // settled count at the first update (resumed runs start above 0)
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace ss::app
