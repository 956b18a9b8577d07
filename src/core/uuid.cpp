#include "core/uuid.hpp"

#include <algorithm>

namespace ss::core {
namespace {

__extension__ using U128 = unsigned __int128;

constexpr char k_digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr std::size_t k_base36_width = 25;  // 36^25 > 2^128 > 36^24

U128 to_u128(const Uuid::Bytes& b) {
    U128 v = 0;
    for (auto byte : b) v = (v << 8) | byte;
    return v;
}

Uuid::Bytes from_u128(U128 v) {
    Uuid::Bytes b{};
    for (int i = 15; i >= 0; --i) {
        b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xff);
        v >>= 8;
    }
    return b;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int base36_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<Uuid> Uuid::from_bytes(std::string_view raw) {
    if (raw.size() != 16) return std::nullopt;
    Bytes b{};
    std::copy(raw.begin(), raw.end(), b.begin());
    return Uuid{b};
}

std::optional<Uuid> Uuid::from_hex(std::string_view text) {
    std::string digits;
    digits.reserve(32);
    if (text.size() == 36) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash_position != (text[i] == '-')) return std::nullopt;
            if (!dash_position) digits.push_back(text[i]);
        }
    } else if (text.size() == 32) {
        digits.assign(text);
    } else {
        return std::nullopt;
    }
    Bytes b{};
    for (std::size_t i = 0; i < 16; ++i) {
        const int hi = hex_value(digits[2 * i]);
        const int lo = hex_value(digits[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return Uuid{b};
}

std::optional<Uuid> Uuid::from_base36(std::string_view text) {
    if (text.empty() || text.size() > k_base36_width) return std::nullopt;
    U128 v = 0;
    const U128 limit = ~U128{0};
    for (char c : text) {
        const int d = base36_value(c);
        if (d < 0) return std::nullopt;
        if (v > (limit - static_cast<U128>(d)) / 36) return std::nullopt;  // overflow
        v = v * 36 + static_cast<U128>(d);
    }
    return Uuid{from_u128(v)};
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
    if (text.size() == 32 || text.size() == 36) {
        if (auto hex = from_hex(text)) return hex;
    }
    return from_base36(text);
}

std::string Uuid::to_base36() const {
    // Two 128-bit divisions by 36^12 split the value into 64-bit pieces of
    // 12 digits each; the digits then come from cheap 64-bit divisions.
    constexpr std::uint64_t k_chunk = 4'738'381'338'321'616'896ULL;  // 36^12
    std::string out(k_base36_width, '0');
    U128 v = to_u128(m_bytes);
    std::size_t end = k_base36_width;
    while (v != 0) {
        auto piece = static_cast<std::uint64_t>(v % k_chunk);
        v /= k_chunk;
        for (std::size_t i = 0; i < 12 && end > 0; ++i) {
            out[--end] = k_digits[piece % 36];
            piece /= 36;
        }
    }
    return out;
}

std::string Uuid::to_hex() const {
    std::string out;
    out.reserve(32);
    for (auto byte : m_bytes) {
        out.push_back(k_digits[byte >> 4]);
        out.push_back(k_digits[byte & 0xf]);
    }
    return out;
}

std::string Uuid::to_dashed() const {
    std::string hex = to_hex();
    for (std::size_t pos : {8u, 13u, 18u, 23u}) hex.insert(pos, 1, '-');
    return hex;
}

std::string_view Uuid::raw() const {
    return {reinterpret_cast<const char*>(m_bytes.data()), m_bytes.size()};
}

Uuid Uuid::predecessor() const {
    const U128 v = to_u128(m_bytes);
    return v == 0 ? *this : Uuid{from_u128(v - 1)};
}

}  // namespace ss::core
