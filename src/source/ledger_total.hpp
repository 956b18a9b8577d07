#pragma once
// storage_used_bytes as the server databases return it: the exact ledger
// total (numeric / DECIMAL) as text. Past 64 bits it is that account's
// defect, reported as failed, as SQLite's snapshot_sum() makes it; one
// damaged ledger never stops the run.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ss::source {

inline std::int64_t ledger_total(std::string_view text, std::optional<std::string>& defect) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        if (!defect) defect = fmt::format("storage_used_bytes is not a 64-bit integer: '{}'", text.substr(0, 40));
        return 0;
    }
    return value;
}

}  // namespace ss::source
