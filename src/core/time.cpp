#include "core/time.hpp"

#include <charconv>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace ss::core {
namespace {

using namespace std::chrono;

// Reads exactly `width` decimal digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t width) {
    if (pos + width > s.size()) return std::nullopt;
    int value = 0;
    const char* first = s.data() + pos;
    auto [ptr, ec] = std::from_chars(first, first + width, value);
    if (ec != std::errc{} || ptr != first + width) return std::nullopt;
    return value;
}

struct Fields {
    int year, month, day, hour, minute, second;
};

// "YYYY-MM-DD?HH:MM:SS" where ? is 'T' or ' ' (sep_ok decides).
std::optional<Fields> parse_fields(std::string_view s, bool allow_space) {
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return std::nullopt;
    if (!(s[10] == 'T' || (allow_space && s[10] == ' '))) return std::nullopt;
    auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
    if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
    if (*h > 23 || *mi > 59 || *se > 59) return std::nullopt;
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return Fields{*y, *mo, *d, *h, *mi, *se};
}

Instant to_instant(const Fields& f) {
    const sys_days days{year{f.year} / month{static_cast<unsigned>(f.month)} / day{static_cast<unsigned>(f.day)}};
    return days + hours{f.hour} + minutes{f.minute} + seconds{f.second};
}

// The calendar fields of an instant, computed in seconds. fmt's chrono
// formatting converts to system_clock's nanoseconds first, which overflows
// (undefined behaviour) outside the years 1678 to 2262, and a checkpoint or
// --as-of may say any year from 0000 to 9999.
Fields to_fields(Instant t) {
    const sys_days midnight = floor<days>(t);
    const year_month_day ymd{midnight};
    const hh_mm_ss<seconds> time{t - midnight};
    return Fields{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                  static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count())};
}

// "YYYY-MM-DD" + separator + "HH:MM:SS".
std::string format_fields(Instant t, char separator) {
    const Fields f = to_fields(t);
    return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", f.year, f.month, f.day, separator, f.hour, f.minute,
                       f.second);
}

}  // namespace

std::optional<Instant> parse_iso8601(std::string_view text) {
    if (text.size() == 10) {
        auto f = parse_fields(std::string(text) + "T00:00:00", false);
        if (!f) return std::nullopt;
        return to_instant(*f);
    }
    auto f = parse_fields(text, false);
    if (!f) return std::nullopt;
    const std::string_view zone = text.substr(19);
    if (zone == "Z") return to_instant(*f);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
    auto zh = digits(zone, 1, 2), zm = digits(zone, 4, 2);
    if (!zh || !zm || *zh > 23 || *zm > 59) return std::nullopt;
    const auto offset = hours{*zh} + minutes{*zm};
    return zone[0] == '+' ? to_instant(*f) - offset : to_instant(*f) + offset;
}

std::string format_iso8601(Instant t) { return format_fields(t, 'T') + 'Z'; }

std::string format_iso8601_millis(system_clock::time_point t) {
    const auto ms = time_point_cast<milliseconds>(t);
    const auto secs = time_point_cast<seconds>(ms);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, (ms - secs).count());
}

std::string format_db_datetime(Instant t) { return format_fields(t, ' '); }

std::string format_db_datetime_micros(Instant t, int micros) { return fmt::format("{}.{:06}", format_fields(t, ' '), micros); }

std::optional<std::string> db_datetime_to_iso8601(std::string_view raw) {
    auto f = parse_fields(raw, true);
    if (!f) return std::nullopt;
    const std::string_view rest = raw.substr(19);
    // What may follow the seconds: a fraction, then optionally a UTC marker.
    std::size_t i = 0;
    if (i < rest.size() && rest[i] == '.') {
        ++i;
        const std::size_t start = i;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
        if (i == start) return std::nullopt;
    }
    const std::string_view zone = rest.substr(i);
    if (!(zone.empty() || zone == "Z" || zone == "+00" || zone == "+00:00" || zone == " UTC")) return std::nullopt;
    // Validated: the fields are the instant's, so the text can be rearranged as is.
    std::string out;
    out.reserve(20);
    out.append(raw.substr(0, 10)).append(1, 'T').append(raw.substr(11, 8)).append(1, 'Z');
    return out;
}

Instant now_utc() { return time_point_cast<seconds>(system_clock::now()); }

}  // namespace ss::core
