#pragma once
// Fizzy ids: 128-bit UUIDv7 values stored as BINARY(16) (MySQL), BLOB
// (SQLite) or uuid (PostgreSQL). They compare as 16-byte big-endian values,
// so byte order is creation order; the app renders them in base 36.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ss::core {

class Uuid {
public:
    using Bytes = std::array<std::uint8_t, 16>;

    constexpr Uuid() = default;
    constexpr explicit Uuid(const Bytes& bytes) : m_bytes(bytes) {}

    // Exactly 16 raw bytes, as SQLite and MySQL return them.
    static std::optional<Uuid> from_bytes(std::string_view raw);
    // 32 hex digits, with or without the dashes of the 8-4-4-4-12 form.
    static std::optional<Uuid> from_hex(std::string_view text);
    // The app's form: lower- or upper-case base 36, at most 25 digits.
    static std::optional<Uuid> from_base36(std::string_view text);
    // Either of the two text forms an operator may paste (hex or base 36).
    static std::optional<Uuid> parse(std::string_view text);

    // The app's rendering: lower-case base 36, left-padded with '0' to 25.
    std::string to_base36() const;
    std::string to_hex() const;     // 32 lower-case hex digits
    std::string to_dashed() const;  // 8-4-4-4-12, PostgreSQL's uuid text
    std::string_view raw() const;   // the 16 bytes

    const Bytes& bytes() const { return m_bytes; }
    // The largest id smaller than this one (nil stays nil): lets a keyset
    // query "id > predecessor" start exactly at this id.
    Uuid predecessor() const;

    auto operator<=>(const Uuid&) const = default;

private:
    Bytes m_bytes{};
};

}  // namespace ss::core
