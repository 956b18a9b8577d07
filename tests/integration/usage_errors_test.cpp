// Bad input that bad_input_test.cpp does not cover: bad values of known
// keys, bad environment variables, bad flags, secret files that cannot be
// read, and state files (checkpoint, fingerprints) that are damaged, of
// another version, another job or another shard. Each is exit 2 with one
// line on stderr saying what is wrong, nothing on stdout, nothing sent.

#include "harness.hpp"

#include <filesystem>
#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

struct UsageErrors : ::testing::Test {
    TempDir dir;
    std::string db = dir.file("fizzy.sqlite3");
    std::string checkpoint = dir.file("state/checkpoint.json");

    void SetUp() override { ASSERT_EQ(run_snapshot_sync({"demo-db", db, "--accounts", "5"}, {}).exit_code, 0); }

    std::string base_toml(const std::string& host = "http://127.0.0.1:9") const {
        return "[database]\nurl = \"sqlite:" + db + "\"\n[segment]\nhost = \"" + host +
               "\"\nmax_retries = 0\n[checkpoint]\nlocation = \"" + checkpoint + "\"\n";
    }

    ProcessResult run(const std::string& toml, std::vector<std::string> args = {},
                      std::map<std::string, std::string> env = {{"SEGMENT_WRITE_KEY", k_write_key}},
                      const std::string& command = "run") {
        write_text(dir.file("c.toml"), toml);
        std::vector<std::string> full{command, "--config", dir.file("c.toml")};
        full.insert(full.end(), args.begin(), args.end());
        env["SNAPSHOT_SYNC_LOG_FORMAT"] = "text";
        return run_snapshot_sync(full, env);
    }

    // A checkpoint as the job writes it, with `edit` applied.
    void write_checkpoint(const std::function<void(Json&)>& edit, const std::string& path = "") {
        Json j = {{"version", 1},
                  {"state", "running"},
                  {"job", "snapshot-sync"},
                  {"shard", "0/1"},
                  {"source", "sqlite:" + db},
                  {"as_of", "2026-11-20T08:00:00Z"},
                  {"started_at", "2026-11-20T08:00:01Z"},
                  {"updated_at", "2026-11-20T08:01:00Z"},
                  {"watermark", nullptr},
                  {"counters",
                   {{"sent", 0}, {"failed", 0}, {"rejected", 0}, {"unchanged", 0}, {"unknown_plans", 0},
                    {"batches", 0}, {"requests", 0}, {"retries", 0}, {"bytes_sent", 0}}},
                  {"last_success_at", nullptr},
                  {"last_full_at", nullptr},
                  {"changed_only", false},
                  {"fingerprints_recorded", 0}};
        edit(j);
        std::filesystem::create_directories(dir.file("state"));
        write_text(path.empty() ? checkpoint : path, j.dump(2));
    }
};

void expect_usage(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    EXPECT_EQ(err.find('\n'), std::string::npos) << r.err;
    EXPECT_THAT(err, HasSubstr(message));
}

// A state file is read once the run has started and said so: the error is
// still one line, the last, and the only one at error level.
void expect_usage_after_start(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    std::size_t errors = 0;
    for (std::size_t at = r.err.find("snapshot-sync: error:"); at != std::string::npos;
         at = r.err.find("snapshot-sync: error:", at + 1)) {
        ++errors;
    }
    EXPECT_EQ(errors, 1u) << r.err;
    EXPECT_THAT(last_line(r.err), HasSubstr("snapshot-sync: error: "));
    EXPECT_THAT(last_line(r.err), HasSubstr(message));
}

TEST_F(UsageErrors, ValuesOfKnownKeys) {
    expect_usage(run(base_toml() + "[run]\nfull_every_days = \"weekly\"\n"), "c.toml:9: run.full_every_days: expected an integer");
    expect_usage(run("[segment]\nbatch_size = 3000\n"), "c.toml:2: segment.batch_size: must be between 1 and 2500");
    expect_usage(run("[segment]\nin_flight = 0\n"), "segment.in_flight: must be between 1 and 64");
    expect_usage(run("[segment]\ntls_verify = \"maybe\"\n"), "segment.tls_verify: expected true or false");
    expect_usage(run("[segment]\ngzip = 1\n"), "segment.gzip: expected true or false");
    expect_usage(run("[segment]\nrequest_timeout = -1.0\n"), "segment.request_timeout: must be between 0.1 and 3600");
    expect_usage(run("[identity]\nmode = \"ceo\"\n"), "identity.mode: unknown value 'ceo' (one of: system, owner, anonymous)");
    expect_usage(run("[identity]\nmode = \"anonymous\"\n"), "c.toml:2: identity.mode: identity.mode = ");
    expect_usage(run("[identity]\nmode = \"anonymous\"\n"), "needs identity.anonymous_id");
    expect_usage(run("[billing.prices]\nunlimited = -5\n"), "billing.prices.unlimited: expected a non-negative integer (cents)");
    expect_usage(run("[billing]\nprices = 5\n"), "billing.prices: expected a table of plan = cents");
    expect_usage(run("[segment]\njob_name = \"nightly job\"\n"), "segment.job_name: 1 to 40 letters, digits, '-' or '_'");
    expect_usage(run("[segment]\nhost = [\"https://api.segment.io\"]\n"), "segment.host: unsupported value type");
    expect_usage(run("[segment]\nhost = \"https://api.segment.io/v1/batch\"\n"), "give the host only");
    expect_usage(run("[metrics]\npushgateway = \"pushgateway:9091\"\n"), "metrics.pushgateway: expected an http:// or https:// URL");
}

TEST_F(UsageErrors, MalformedFiles) {
    expect_usage(run("[segment]\nhost = \"a\"\nhost = \"b\"\n"), "c.toml:3:");
    expect_usage(run("[database]\nurl = \"sqlite:\xFF\xFE\"\n"), "c.toml:2:");
    expect_usage(run("\"unterminated\n"), "c.toml:1:");
    expect_usage(run_snapshot_sync({"run", "--config", dir.file("missing.toml")}, {{"SNAPSHOT_SYNC_LOG_FORMAT", "text"}}),
                 "missing.toml: cannot read config file");
}

// Regression: a directory given as the config file was read as an empty
// file, so the run went on with every key at its default.
TEST_F(UsageErrors, AConfigPathThatIsADirectoryIsRefusedNotReadAsEmpty) {
    std::filesystem::create_directories(dir.file("conf.d"));
    for (const std::string command : {"run", "config", "validate"}) {
        const auto r = run_snapshot_sync({command, "--config", dir.file("conf.d")},
                                         {{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
        expect_usage(r, dir.file("conf.d") + ": cannot read config file: it is a directory");
    }
}

TEST_F(UsageErrors, EnvironmentVariables) {
    const auto with = [&](std::map<std::string, std::string> env) {
        env["SEGMENT_WRITE_KEY"] = k_write_key;
        return run(base_toml(), {}, env);
    };
    expect_usage(with({{"SNAPSHOT_SYNC_LOG_LEVEL", "loud"}}), "SNAPSHOT_SYNC_LOG_LEVEL: unknown value 'loud'");
    expect_usage(with({{"SEGMENT_HOST", "ftp://api.segment.io"}}), "SEGMENT_HOST: expected an http:// or https:// URL");
    expect_usage(with({{"SNAPSHOT_SYNC_DATABASE_URL", "postgresql://u:pw@db:99999/fizzy"}}),
                 "SNAPSHOT_SYNC_DATABASE_URL: malformed postgresql URL");
    expect_usage(with({{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:"}}), "SNAPSHOT_SYNC_DATABASE_URL: sqlite: URL without a file path");
    expect_usage(with({{"SNAPSHOT_SYNC_DATABASE_URL", "fizzy.sqlite3"}}), "SNAPSHOT_SYNC_DATABASE_URL: not a database URL");
}

TEST_F(UsageErrors, Flags) {
    expect_usage(run(base_toml(), {"--dry-run", "--shard", "0/0"}), "--shard: N must be between 1 and 1024");
    expect_usage(run(base_toml(), {"--dry-run", "--shard", "3/3"}), "--shard: shard index 3 is out of range for 3 shards");
    expect_usage(run(base_toml(), {"--dry-run", "--shard", "-1/3"}), "--shard");
    expect_usage(run(base_toml(), {"--dry-run", "--shard", "0/3", "--shards", "3"}), "--shard and --shards: give one");
    expect_usage(run(base_toml(), {"--dry-run", "--shards", "3"}), "--shards needs JOB_COMPLETION_INDEX");
    expect_usage(run(base_toml(), {"--dry-run", "--as-of", "2026-13-45T00:00:00Z"}), "--as-of: '2026-13-45T00:00:00Z' is not an ISO 8601 UTC time");
    expect_usage(run(base_toml(), {"--dry-run", "--account", "not-an-id!"}), "--account: 'not-an-id!' is not an account id");
    expect_usage(run(base_toml(), {"--full", "--changed-only"}), "--full and --changed-only: give one");
    expect_usage(run(base_toml(), {"--metrics-textfile"}), "--metrics-textfile");
}

TEST_F(UsageErrors, SecretFilesThatCannotBeRead) {
    expect_usage(run(base_toml(), {}, {{"SEGMENT_WRITE_KEY_FILE", dir.file("no-such-key")}}),
                 "segment.write_key_file: cannot read " + dir.file("no-such-key"));
    write_text(dir.file("empty-key"), "\n");
    expect_usage(run(base_toml(), {}, {{"SEGMENT_WRITE_KEY_FILE", dir.file("empty-key")}}),
                 "segment.write_key_file: " + dir.file("empty-key") + " is empty");
    write_text(dir.file("key"), "wk_file\n");
    expect_usage(run(base_toml(), {}, {{"SEGMENT_WRITE_KEY", k_write_key}, {"SEGMENT_WRITE_KEY_FILE", dir.file("key")}}),
                 "segment.write_key and segment.write_key_file are both set: keep one");
    expect_usage(run(base_toml(), {}, {}), "no Segment write key");
}

TEST_F(UsageErrors, CheckpointsThatCannotBeUsed) {
    write_checkpoint([](Json&) {});
    std::filesystem::resize_file(checkpoint, 0);
    expect_usage(run(base_toml()), "unreadable checkpoint (not JSON at byte");

    write_checkpoint([](Json& j) { j["version"] = 2; });
    expect_usage(run(base_toml()), "checkpoint version 2 is not supported by this snapshot-sync (it reads version 1)");

    write_checkpoint([](Json& j) { j["as_of"] = 5; });
    expect_usage(run(base_toml()), "unreadable checkpoint (");

    write_checkpoint([](Json& j) { j["watermark"] = "0193"; });
    expect_usage(run(base_toml()), "unreadable checkpoint (watermark is not a 32-digit hex id)");

    write_checkpoint([](Json& j) { j.erase("counters"); });
    expect_usage(run(base_toml()), "unreadable checkpoint (");

    write_checkpoint([](Json& j) { j["job"] = "other-job"; });
    expect_usage(run(base_toml()), "checkpoint belongs to job 'other-job', not 'snapshot-sync'");

    // The file of shard 1/3, holding another shard's checkpoint.
    write_checkpoint([](Json& j) { j["shard"] = "0/1"; }, dir.file("state/checkpoint.shard-1-of-3.json"));
    expect_usage(run(base_toml(), {"--shard", "1/3"}), "checkpoint belongs to shard 0/1, not 1/3");

    // The corrupt checkpoint is left as it was for a human to look at, and --restart starts afresh.
    write_checkpoint([](Json& j) { j["version"] = "one"; });
    const std::string before = read_text(checkpoint);
    expect_usage(run(base_toml()), "unreadable checkpoint");
    EXPECT_EQ(read_text(checkpoint), before);
}

TEST_F(UsageErrors, CheckpointPathsThatCannotBeUsed) {
    std::filesystem::create_directories(dir.file("loop"));
    std::filesystem::create_symlink(dir.file("loop/a.json"), dir.file("loop/b.json"));
    std::filesystem::create_symlink(dir.file("loop/b.json"), dir.file("loop/a.json"));
    expect_usage(run(base_toml() + "", {}, {{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_CHECKPOINT", dir.file("loop/a.json")}}),
                 "loop/a.json");
    write_text(dir.file("a-file"), "");
    expect_usage(run(base_toml(), {}, {{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_CHECKPOINT", dir.file("a-file/checkpoint.json")}}),
                 "cannot create the checkpoint directory");
}

TEST_F(UsageErrors, FingerprintFilesThatCannotBeUsed) {
    // A finished snapshot, so that --changed-only reads the fingerprints.
    {
        FakeSegment segment;
        const auto r = run(base_toml(segment.url()), {"--as-of", k_now});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string fingerprints = checkpoint + ".fingerprints";
    ASSERT_TRUE(std::filesystem::exists(fingerprints));
    write_text(fingerprints, "not a fingerprint file at all");
    expect_usage_after_start(run(base_toml(), {"--changed-only"}), "not a snapshot-sync fingerprint file");
    // The dry run's preview reads them too.
    expect_usage_after_start(run(base_toml(), {"--changed-only", "--dry-run"}), "not a snapshot-sync fingerprint file");

    // A running snapshot whose recorded fingerprints are fewer than its checkpoint committed.
    std::filesystem::remove(fingerprints);
    write_checkpoint([](Json& j) {
        j["changed_only"] = true;
        j["fingerprints_recorded"] = 3;
    });
    write_text(checkpoint + ".fingerprints.new", std::string("SSFP\x01\0\0\0", 8));
    expect_usage_after_start(run(base_toml()), "holds fewer fingerprints than the checkpoint committed; run with --restart");
}

TEST_F(UsageErrors, ValidateReportsAnUnreadableCheckpoint) {
    write_checkpoint([](Json& j) { j["state"] = "walking"; });
    const auto r = run(base_toml(), {}, {{"SEGMENT_WRITE_KEY", k_write_key}}, "validate");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr("unknown state 'walking'"));
}

}  // namespace
}  // namespace ss::test
