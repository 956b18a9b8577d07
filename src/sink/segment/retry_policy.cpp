#include "sink/segment/retry_policy.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace ss::sink {

Verdict classify(const HttpResponse& response) {
    const int s = response.status;
    if (s == 0) return Verdict::Retry;
    if (s >= 200 && s < 300) return Verdict::Delivered;
    if (s == 400 || s == 413) return Verdict::Split;
    if (s == 408 || s == 410 || s == 429 || s == 460) return Verdict::Retry;
    if (s >= 500 && s < 600 && s != 501 && s != 505 && s != 511) return Verdict::Retry;
    return Verdict::Fatal;
}

std::optional<Millis> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now,
                                        Millis cap) {
    if (value.empty()) return std::nullopt;
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && ptr == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return std::min<Millis>(Millis{seconds * 1000}, cap);
    }
    const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
    if (when < 0) return std::nullopt;
    const auto delta = std::chrono::system_clock::from_time_t(when) - now;
    return std::clamp<Millis>(std::chrono::duration_cast<Millis>(delta), Millis{0}, cap);
}

Millis backoff_delay(unsigned retry, const BackoffSettings& settings, std::mt19937_64& rng) {
    const unsigned shift = std::min(retry, 20u);
    const Millis full = std::min<Millis>(settings.base * (std::int64_t{1} << shift), settings.cap);
    const auto half = full.count() / 2;
    std::uniform_int_distribution<std::int64_t> jitter(0, full.count() - half);
    return Millis{half + jitter(rng)};
}

Millis retry_delay(const HttpResponse& response, unsigned retry, const BackoffSettings& settings,
                   std::mt19937_64& rng) {
    if (response.retry_after) {
        if (auto d = parse_retry_after(*response.retry_after, std::chrono::system_clock::now(), settings.retry_after_cap)) {
            return *d;
        }
    }
    return backoff_delay(retry, settings, rng);
}

}  // namespace ss::sink
