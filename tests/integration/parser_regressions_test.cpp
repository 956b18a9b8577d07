// Regressions found by fuzzing the parsers (tests/fuzz/), checked through
// the real binary: what an operator would have seen.

#include "harness.hpp"

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

}  // namespace
}  // namespace ss::test
