#pragma once
// What to do with an answer from Segment (SPEC §5), and how long to wait
// before trying again. Requests are safe to repeat because messageIds are
// deterministic: Segment drops the copies.

#include "sink/segment/transport.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace ss::sink {

enum class Verdict {
    Delivered,  // 2xx
    Split,      // 400/413: something in the body is refused; halve it to find what
    Retry,      // network error, 408, 410, 429, 460, 5xx but 501/505/511
    Fatal,      // any other status: retrying cannot help
};

Verdict classify(const HttpResponse& response);

using Millis = std::chrono::milliseconds;

struct BackoffSettings {
    Millis base{500};
    Millis cap{60'000};
    Millis retry_after_cap{300'000};
};

// Retry-After as seconds ("120") or an HTTP date, relative to `now`; capped.
// nullopt when absent or unreadable.
std::optional<Millis> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now,
                                        Millis cap);

// The wait before retry number `retry` (0 for the first retry): base * 2^retry,
// capped, with "equal jitter" (uniform in [d/2, d]).
Millis backoff_delay(unsigned retry, const BackoffSettings& settings, std::mt19937_64& rng);

// Retry-After when the answer has one, otherwise backoff_delay.
Millis retry_delay(const HttpResponse& response, unsigned retry, const BackoffSettings& settings,
                   std::mt19937_64& rng);

}  // namespace ss::sink
