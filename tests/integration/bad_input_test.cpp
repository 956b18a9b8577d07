// Bad input of every kind: exit 2 with one clear line on stderr, nothing sent.

#include "harness.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

struct BadInput : ::testing::Test {
    TempDir dir;
    std::string db = dir.file("fizzy.sqlite3");

    void SetUp() override { ASSERT_EQ(run_snapshot_sync({"demo-db", db, "--accounts", "5"}, {}).exit_code, 0); }

    ProcessResult run_with(const std::string& toml, std::vector<std::string> args = {}) {
        write_text(dir.file("c.toml"), toml);
        std::vector<std::string> full{"run", "--config", dir.file("c.toml")};
        full.insert(full.end(), args.begin(), args.end());
        return run_snapshot_sync(full, {{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    }
    std::string db_toml() const { return "[database]\nurl = \"sqlite:" + db + "\"\n"; }
};

void expect_usage(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    // One line, and it says what is wrong.
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    EXPECT_EQ(err.find('\n'), std::string::npos) << r.err;
    EXPECT_THAT(err, HasSubstr(message));
}

TEST_F(BadInput, MalformedToml) { expect_usage(run_with("[segment\n"), "c.toml:1:"); }

TEST_F(BadInput, UnknownKey) {
    expect_usage(run_with("[segment]\nbatchsize = 5\n"), "unknown key 'segment.batchsize' (did you mean 'segment.batch_size'?)");
}

TEST_F(BadInput, BadDatabaseUrl) {
    expect_usage(run_with("[database]\nurl = \"postgresql://u:pw@:5432/\"\n"), "malformed postgresql URL");
    expect_usage(run_with("[database]\nurl = \"postgresql://u:pw@db.internal/\"\n"), "database URL without a database name");
    expect_usage(run_with("[database]\nurl = \"cassandra://x\"\n"), "unknown database scheme 'cassandra:'");
}

TEST_F(BadInput, BadSegmentHost) {
    expect_usage(run_with(db_toml() + "[segment]\nhost = \"api.segment.io\"\n"), "segment.host: expected an http:// or https:// URL");
}

TEST_F(BadInput, ShardOutOfRange) {
    expect_usage(run_with(db_toml(), {"--dry-run", "--shard", "5/3"}), "--shard: shard index 5 is out of range for 3 shards (0 to 2)");
    expect_usage(run_with(db_toml(), {"--dry-run", "--shard", "x"}), "--shard: expected I/N (e.g. 0/3), got 'x'");
}

TEST_F(BadInput, AsOfInTheFuture) {
    expect_usage(run_with(db_toml(), {"--dry-run", "--as-of", "2999-01-01T00:00:00Z"}), "--as-of: 2999-01-01T00:00:00Z is in the future");
    expect_usage(run_with(db_toml(), {"--dry-run", "--as-of", "tomorrow"}), "--as-of: 'tomorrow' is not an ISO 8601 UTC time");
}

TEST_F(BadInput, UnknownFlag) { expect_usage(run_with(db_toml(), {"--dry-rn"}), "--dry-rn"); }

TEST_F(BadInput, CorruptCheckpoint) {
    write_text(dir.file("cp.json"), "{\"version\": 1, \"state\": \"running\"");
    expect_usage(run_with(db_toml() + "[segment]\nhost = \"http://127.0.0.1:9\"\n[checkpoint]\nlocation = \"" +
                          dir.file("cp.json") + "\"\n"),
                 "unreadable checkpoint (not JSON at byte");
    // The corrupt file is left as it was, for a human to look at.
    EXPECT_EQ(read_text(dir.file("cp.json")), "{\"version\": 1, \"state\": \"running\"");
}

TEST_F(BadInput, UnreadableCheckpoint) {
    std::filesystem::create_directories(dir.file("cp-dir.json"));  // a directory where the file should be
    const auto r = run_with(db_toml() + "[checkpoint]\nlocation = \"" + dir.file("cp-dir.json") + "\"\n");
    expect_usage(r, "cp-dir.json");
}

TEST_F(BadInput, MissingDatabaseFileIsADatabaseError) {
    const auto r = run_with("[database]\nurl = \"sqlite:" + dir.file("nope.sqlite3") + "\"\n", {"--dry-run"});
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_THAT(r.err, HasSubstr("nope.sqlite3: cannot open database"));
}

TEST_F(BadInput, MissingTableIsADatabaseError) {
    const auto r = run_with("[database]\nurl = \"sqlite:" + dir.file("empty.sqlite3") + "\"\n", {"--dry-run"});
    EXPECT_EQ(r.exit_code, 5);
}

TEST_F(BadInput, ValidateSaysWhatIsWrong) {
    write_text(dir.file("c.toml"), db_toml() + "[checkpoint]\nlocation = \"" + dir.file("cp.json") + "\"\n");
    const auto ok = run_snapshot_sync({"validate", "--config", dir.file("c.toml")}, {{"SEGMENT_WRITE_KEY", k_write_key}});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_THAT(ok.out, HasSubstr("every table and column the SQL reads is there"));
    EXPECT_THAT(ok.out, HasSubstr("eligible as of"));
    EXPECT_THAT(ok.out, HasSubstr("none yet; a run starts a new snapshot"));
    const auto no_key = run_snapshot_sync({"validate", "--config", dir.file("c.toml")}, {});
    EXPECT_EQ(no_key.exit_code, 2);
    EXPECT_THAT(no_key.out, HasSubstr("PROBLEM  segment"));
}

}  // namespace
}  // namespace ss::test
