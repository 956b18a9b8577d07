#include "core/time.hpp"

#include <gtest/gtest.h>

namespace ss::core {
namespace {

TEST(Time, ParsesUtcOffsetsAndDates) {
    const auto z = parse_iso8601("2026-12-03T10:20:30Z");
    ASSERT_TRUE(z);
    EXPECT_EQ(format_iso8601(*z), "2026-12-03T10:20:30Z");
    EXPECT_EQ(parse_iso8601("2026-12-03T12:20:30+02:00"), z);
    EXPECT_EQ(parse_iso8601("2026-12-03T05:20:30-05:00"), z);
    EXPECT_EQ(format_iso8601(*parse_iso8601("2026-12-03")), "2026-12-03T00:00:00Z");
}

TEST(Time, RejectsWhatIsNotAWholeSecondUtcInstant) {
    EXPECT_FALSE(parse_iso8601("2026-12-03T10:20:30"));  // no zone: ambiguous
    EXPECT_FALSE(parse_iso8601("2026-12-03T10:20:30.5Z"));
    EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-12-03T24:00:00Z"));
    EXPECT_FALSE(parse_iso8601("yesterday"));
    EXPECT_FALSE(parse_iso8601(""));
}

TEST(Time, CreatedAtIsTruncatedNotRounded) {
    EXPECT_EQ(db_datetime_to_iso8601("2024-03-01 12:34:56.999999"), "2024-03-01T12:34:56Z");
    EXPECT_EQ(db_datetime_to_iso8601("2024-03-01 12:34:56"), "2024-03-01T12:34:56Z");
    EXPECT_EQ(db_datetime_to_iso8601("2024-03-01T12:34:56.1Z"), "2024-03-01T12:34:56Z");
    EXPECT_EQ(db_datetime_to_iso8601("2024-03-01 12:34:56+00"), "2024-03-01T12:34:56Z");
    EXPECT_FALSE(db_datetime_to_iso8601("2024-03-01"));
    EXPECT_FALSE(db_datetime_to_iso8601("2024-03-01 12:34:56+02:00"));  // not UTC: refuse rather than misreport
    EXPECT_FALSE(db_datetime_to_iso8601("garbage"));
}

TEST(Time, DatabaseBoundsCompareAsTextTheWayTheColumnsDo) {
    const auto as_of = *parse_iso8601("2026-12-03T00:00:00Z");
    EXPECT_EQ(format_db_datetime(as_of), "2026-12-03 00:00:00");
    EXPECT_EQ(format_db_datetime_micros(as_of, 1), "2026-12-03 00:00:00.000001");
    // A row created exactly at as_of is <= as_of, i.e. < as_of + 1 microsecond.
    EXPECT_LT(std::string("2026-12-03 00:00:00.000000"), format_db_datetime_micros(as_of, 1));
    EXPECT_LT(std::string("2026-12-03 00:00:00"), format_db_datetime_micros(as_of, 1));
    // ... and an event at exactly as_of is not < as_of.
    EXPECT_FALSE(std::string("2026-12-03 00:00:00.000000") < format_db_datetime(as_of));
}

TEST(Time, SentAtHasMilliseconds) {
    const auto t = std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}} + std::chrono::milliseconds{42};
    EXPECT_EQ(format_iso8601_millis(t), "2023-11-14T22:13:20.042Z");
}

}  // namespace
}  // namespace ss::core
