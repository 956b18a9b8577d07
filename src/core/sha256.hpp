#pragma once
// SHA-256 through OpenSSL: messageIds, change fingerprints and the shard of
// an account all derive from it, so they are stable across machines and
// databases.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ss::core {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);

// SHA-256 over several pieces, without concatenating them first. It uses
// the calling thread's one OpenSSL context: finish a digest before starting
// the next on the same thread.
class Sha256 {
public:
    Sha256();
    Sha256& update(std::string_view data);
    Sha256Digest finish();
};
std::string to_hex(const Sha256Digest& digest, std::size_t bytes = 32);

}  // namespace ss::core
