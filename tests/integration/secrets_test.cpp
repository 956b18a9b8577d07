// The write key never appears in any output: logs, errors, dry run, report,
// checkpoint, or the process's arguments.

#include "harness.hpp"

#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Secrets, TheWriteKeyAppearsNowhere) {
    Scenario s(300);
    std::vector<std::string> outputs;
    {
        FakeSegment segment({"--script", "503x3,429:ra=0,resetx2", "--write-key", k_write_key});
        s.configure(segment.url());
        const auto r = s.run({"--report", s.file("report.json"), "--log-level", "debug"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        outputs = {r.out, r.err, read_text(s.file("report.json")), read_text(s.checkpoint_path())};
        // It did go over the wire, in the Authorization header.
        EXPECT_EQ(segment.requests().front()["auth"], "ok");
    }
    {
        FakeSegment wrong({"--write-key", "another-key"});  // a 401 path
        s.configure(wrong.url());
        const auto r = s.run({"--restart"});
        EXPECT_EQ(r.exit_code, 4);
        outputs.push_back(r.err);
    }
    s.configure("http://127.0.0.1:9");  // unreachable
    const auto down = s.run({"--restart"});
    outputs.push_back(down.err);
    const auto config = run_snapshot_sync({"config", "--config", s.file("config.toml")}, s.env());
    outputs.push_back(config.out);
    const auto validate = run_snapshot_sync({"validate", "--config", s.file("config.toml")}, s.env());
    outputs.push_back(validate.out + validate.err);
    const auto dry = s.dry_run();
    outputs.push_back(dry.out + dry.err);
    for (const auto& text : outputs) EXPECT_THAT(text, Not(HasSubstr(k_write_key)));
    EXPECT_THAT(config.out, HasSubstr("segment.write_key = [REDACTED]"));
}

TEST(Secrets, TheKeyIsNotInTheProcessArguments) {
    Scenario s(800);
    FakeSegment segment({"--script", "slow=50x1000"});
    s.configure(segment.url());
    ProcessOptions options;
    options.args = {snapshot_sync_binary(), "run", "--config", s.file("config.toml"), "--as-of", k_now};
    options.env = s.env();
    ChildProcess child(options);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::string cmdline = read_text("/proc/" + std::to_string(child.pid()) + "/cmdline");
    EXPECT_FALSE(cmdline.empty());
    EXPECT_THAT(cmdline, Not(HasSubstr(k_write_key)));
    child.kill(SIGKILL);
    child.wait();
}

TEST(Secrets, AKeyFromAFileWorksAndStaysHidden) {
    Scenario s(50);
    FakeSegment segment({"--write-key", "wk_from_file_9f3b"});
    s.configure(segment.url());
    write_text(s.file("key"), "wk_from_file_9f3b\n");
    const auto r = run_snapshot_sync({"run", "--config", s.file("config.toml"), "--as-of", k_now, "--log-level", "debug"},
                                     {{"SEGMENT_WRITE_KEY_FILE", s.file("key")}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("wk_from_file_9f3b")));
    EXPECT_EQ(segment.requests().front()["auth"], "ok");
}

}  // namespace
}  // namespace ss::test
