#pragma once
// Every secret the process learns (write key, database passwords) is
// registered here before it is used; the logger and the top-level error
// printer pass every line through redact(), so a library error message that
// quotes a connection string cannot leak it.

#include <string>
#include <string_view>

namespace ss::core {

inline constexpr std::string_view k_redacted = "[REDACTED]";

// Remembers a secret. Empty strings and very short ones (under 3 bytes,
// which would mangle ordinary text) are ignored.
void register_secret(std::string_view secret);

// The text with every registered secret replaced by k_redacted.
std::string redact(std::string_view text);

// Forgets all secrets (tests only).
void clear_secrets_for_testing();

}  // namespace ss::core
