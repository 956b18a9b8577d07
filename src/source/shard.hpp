#pragma once
// Sharding splits the eligible accounts into `count` disjoint sets by a
// stable hash of the account id: the first 4 bytes of SHA-256 over the 16
// id bytes, big-endian, modulo count. Every dialect's SQL computes the same
// function, so N processes on N machines deliver every account exactly once.

#include "core/uuid.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ss::source {

struct Shard {
    std::uint32_t index = 0;  // 0-based
    std::uint32_t count = 1;

    bool sharded() const { return count > 1; }
    // "I/N" with I 0-based, as --shard takes it.
    std::string label() const;
    // "shard-I-of-N", for file names and metric labels; empty when unsharded.
    std::string suffix() const;

    // "I/N" with 0 <= I < N <= 1024; throws core::UsageError naming `origin`.
    static Shard parse(std::string_view text, std::string_view origin);
    auto operator<=>(const Shard&) const = default;
};

std::uint32_t shard_of(const core::Uuid& id, std::uint32_t count);
// The same over raw id bytes (SQLite hands the function whatever is stored).
std::uint32_t shard_of_bytes(std::string_view raw_id, std::uint32_t count);

}  // namespace ss::source
