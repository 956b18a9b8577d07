// Regressions found by fuzzing the parsers (tests/fuzz/), checked through
// the real binary: what an operator would have seen.

#include "harness.hpp"

#include <filesystem>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

// Found by fuzz_database_url (a heap over-read): curl_easy_unescape reads an
// empty value up to the next NUL, so `sslmode=&application_name=snap` made
// sslmode "&application_name=snap".
TEST(ParserRegressions, AnEmptyQueryValueDoesNotSwallowTheNextParameter) {
    const auto r = run_snapshot_sync(
        {"config"}, {{"SNAPSHOT_SYNC_DATABASE_URL", "postgresql://app@db.internal/fizzy?sslmode=&application_name=snap"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("database.url = postgresql://app@db.internal/fizzy?application_name=snap&sslmode=  ("));
}

// A %00 cut the decoded text short: sqlite:/srv/fizzy.db%00.bak opened /srv/fizzy.db.
TEST(ParserRegressions, APercentEncodedNulInADatabaseUrlIsRefused) {
    TempDir dir;
    const auto r = run_snapshot_sync({"run", "--dry-run"},
                                     {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + dir.file("fizzy.db") + "%00.bak"},
                                      {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(last_line(r.err), HasSubstr("SNAPSHOT_SYNC_DATABASE_URL: the URL holds %00 (a NUL byte)"));
}

// Found by fuzz_checkpoint (UBSan: 1e+300 is outside the range of long):
// a count that is not an integer was cast with undefined behaviour (the run
// resumed with sent = -9223372036854775808), and "version": 1.9 was read as 1.
TEST(ParserRegressions, ACheckpointNumberThatIsNotACountIsRefused) {
    Scenario s(5);
    s.configure("http://127.0.0.1:9");
    const auto with = [&](const std::string& field, nlohmann::json value) {
        nlohmann::json j = {{"version", 1}, {"state", "running"}, {"job", "snapshot-sync"}, {"shard", "0/1"},
                            {"source", "sqlite:" + s.db_path()}, {"as_of", k_now}, {"started_at", k_now},
                            {"updated_at", k_now}, {"watermark", nullptr},
                            {"counters", {{"sent", 0}, {"failed", 0}, {"rejected", 0}, {"unchanged", 0},
                                          {"unknown_plans", 0}, {"batches", 0}, {"requests", 0}, {"retries", 0},
                                          {"bytes_sent", 0}}},
                            {"last_success_at", nullptr}, {"last_full_at", nullptr}, {"changed_only", false},
                            {"fingerprints_recorded", 0}};
        if (field.starts_with("counters.")) {
            j["counters"][field.substr(9)] = value;
        } else {
            j[field] = value;
        }
        std::filesystem::create_directories(std::filesystem::path(s.checkpoint_path()).parent_path());
        write_text(s.checkpoint_path(), j.dump());
        return s.run({}, {{"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    };
    for (const auto& [field, value, what] : std::vector<std::tuple<std::string, nlohmann::json, std::string>>{
             {"counters.sent", 1e300, "'counters.sent' is not a count"},
             {"counters.retries", -4, "'counters.retries' is not a count"},
             {"counters.bytes_sent", 18446744073709551615ULL, "'counters.bytes_sent' is not a count"},
             {"version", 1.9, "'version' is not a count"},
             {"fingerprints_recorded", -1, "'fingerprints_recorded' is not a count"}}) {
        const auto r = with(field, value);
        EXPECT_EQ(r.exit_code, 2) << field << "\n" << r.err;
        EXPECT_THAT(last_line(r.err), HasSubstr("unreadable checkpoint (" + what + ")")) << field;
    }
}

// Found by fuzz_checkpoint (UBSan: signed integer overflow in chrono.h):
// instants were formatted through system_clock's nanoseconds, which
// overflow outside the years 1678 to 2262 — in an --as-of, a checkpoint's
// times, the SQL bounds. (Without a sanitizer the output happened to look
// right; scripts/sanitize.sh runs this test under UBSan.)
TEST(ParserRegressions, InstantsOutsideTheYears1678To2262AreFormattedWithoutOverflow) {
    Scenario s(5);
    const auto future = run_snapshot_sync(
        {"run", "--dry-run", "--as-of", "3721-12-03T00:00:00Z"},
        {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + s.db_path()}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_EQ(future.exit_code, 2) << future.err;
    EXPECT_THAT(last_line(future.err), HasSubstr("--as-of: 3721-12-03T00:00:00Z is in the future"));
    const auto past = run_snapshot_sync(
        {"run", "--dry-run", "--as-of", "1500-01-01T00:00:00Z", "--report", s.file("report.json")},
        {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + s.db_path()}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_EQ(past.exit_code, 0) << past.err;
    EXPECT_EQ(past.out, "");  // nothing was created yet
    EXPECT_EQ(nlohmann::json::parse(read_text(s.file("report.json")))["as_of"], "1500-01-01T00:00:00Z");
}

// Found by fuzz_checkpoint (an uncaught nlohmann out_of_range): a number
// no double holds, such as 1e999, was an internal error (exit 1), not an
// unreadable checkpoint (exit 2).
TEST(ParserRegressions, ACheckpointWithANumberTooLargeForADoubleIsUnreadableNotAnInternalError) {
    Scenario s(5);
    s.configure("http://127.0.0.1:9");
    std::filesystem::create_directories(std::filesystem::path(s.checkpoint_path()).parent_path());
    write_text(s.checkpoint_path(), R"({"version": 1, "state": "running", "counters": {"sent": 1e999}})");
    const auto r = s.run({}, {{"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(last_line(r.err), HasSubstr("unreadable checkpoint ([json.exception.out_of_range.406] number overflow "
                                            "parsing '1e999'); fix or move it, or run with --restart"));
}

}  // namespace
}  // namespace ss::test
