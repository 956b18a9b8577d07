#pragma once
// Instants are whole UTC seconds: the run's as_of, and the created_at trait,
// which the app renders with Time#iso8601 (fraction truncated).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ss::core {

using Instant = std::chrono::sys_seconds;

// Accepts "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM", or a bare
// date "YYYY-MM-DD" (midnight UTC). A fraction is rejected: as_of is whole
// seconds, so that every message of a run carries the same timestamp.
std::optional<Instant> parse_iso8601(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ"
std::string format_iso8601(Instant t);

// Millisecond form for sentAt: "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601_millis(std::chrono::system_clock::time_point t);

// The database's own datetime text: "YYYY-MM-DD HH:MM:SS" (no fraction) or,
// with micros, "YYYY-MM-DD HH:MM:SS.ffffff". Every database here compares it
// with its datetime columns the same way.
std::string format_db_datetime(Instant t);
std::string format_db_datetime_micros(Instant t, int micros);

// A datetime as a database returns it ("YYYY-MM-DD HH:MM:SS[.ffffff]", or
// with a "T") to the created_at trait form. nullopt when it is not one.
std::optional<std::string> db_datetime_to_iso8601(std::string_view raw);

Instant now_utc();

}  // namespace ss::core
