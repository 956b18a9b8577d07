#include "source/shard.hpp"

#include "core/error.hpp"
#include "core/sha256.hpp"

#include <charconv>

#include <fmt/format.h>

namespace ss::source {
namespace {

std::optional<std::uint32_t> parse_number(std::string_view text) {
    std::uint32_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::string Shard::label() const { return fmt::format("{}/{}", index, count); }

std::string Shard::suffix() const { return sharded() ? fmt::format("shard-{}-of-{}", index, count) : ""; }

Shard Shard::parse(std::string_view text, std::string_view origin) {
    const std::size_t slash = text.find('/');
    const auto index = parse_number(text.substr(0, slash));
    const auto count = slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(slash + 1));
    if (!index || !count) {
        throw core::UsageError(fmt::format("{}: expected I/N (e.g. 0/3), got '{}'", origin, text));
    }
    if (*count < 1 || *count > 1024) throw core::UsageError(fmt::format("{}: N must be between 1 and 1024", origin));
    if (*index >= *count) {
        throw core::UsageError(fmt::format("{}: shard index {} is out of range for {} shards (0 to {})", origin,
                                           *index, *count, *count - 1));
    }
    return Shard{*index, *count};
}

std::uint32_t shard_of(const core::Uuid& id, std::uint32_t count) { return shard_of_bytes(id.raw(), count); }

std::uint32_t shard_of_bytes(std::string_view raw_id, std::uint32_t count) {
    const auto digest = core::sha256(raw_id);
    const std::uint32_t head = (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
                               (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
    return head % count;
}

}  // namespace ss::source
