// Crashes and signals: a SIGKILL at any moment may cause only batches in
// flight to be resent, never an account to be skipped; SIGTERM finishes
// what is in flight, saves the checkpoint and exits 6.

#include "harness.hpp"

#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

// Slow enough that a run lasts a second or so: 150 ms per request, 2 in flight.
constexpr const char* k_slow_script = "slow=150x100000";

ChildProcess start_run(const Scenario& s) {
    ProcessOptions options;
    options.args = {snapshot_sync_binary(), "run", "--config", s.file("config.toml"), "--as-of", k_now};
    options.env = s.env();
    options.timeout = std::chrono::seconds(120);
    return ChildProcess(options);
}

// SIGKILLs the run once the endpoint has received its first batch, so that
// the snapshot is certainly under way (a fixed sleep is not enough on a
// loaded machine or under sanitizers, where starting up takes longer).
void kill_once_sending(ChildProcess& child, const FakeSegment& segment) {
    for (int i = 0; i < 6000 && segment.messages().empty() && !child.finished(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_FALSE(segment.messages().empty()) << "the run sent nothing within 60 s";
    ASSERT_FALSE(child.finished()) << "the run finished before it could be killed";
    child.kill(SIGKILL);
    child.wait();
}

void expect_complete_and_consistent(const Scenario& s, const FakeSegment& segment) {
    const auto expected = group_ids(parse_lines(s.dry_run().out));
    const auto received = segment.messages();
    EXPECT_EQ(group_ids(received), expected);
    for (const auto& [gid, copies] : by_group(received)) {
        for (const auto& c : copies) ASSERT_EQ(c["messageId"], copies.front()["messageId"]) << gid;
    }
}

TEST(Kill, SigkillAtRandomMomentsThenResumeLosesNothing) {
    Scenario s(1500);
    s.set_batch_size(50);  // about 28 batches of 100 ms, 2 in flight: a run sends for over a second
    FakeSegment segment({"--script", "slow=100x100000"});
    s.configure(segment.url());
    std::mt19937 rng(std::random_device{}());
    int kills = 0;
    // Each kill falls at a random moment after the run has sent something of its own, so
    // that it lands mid-snapshot however slowly the process starts (a sanitizer, a loaded
    // machine); tests/torture/ kills during start-up as well.
    while (kills < 3) {
        const auto received_before = segment.requests().size();
        auto child = start_run(s);
        for (int i = 0; i < 600 && segment.requests().size() == received_before && !child.finished(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
        if (child.finished()) {
            const auto r = child.wait();
            ASSERT_EQ(r.exit_code, 0) << r.err;
            break;
        }
        child.kill(SIGKILL);
        const auto r = child.wait();
        ASSERT_EQ(r.signal, SIGKILL);
        ++kills;
    }
    EXPECT_GE(kills, 2);
    // Whatever state the kills left, one more run finishes the snapshot.
    auto last = s.run();
    ASSERT_EQ(last.exit_code, 0) << last.err;
    expect_complete_and_consistent(s, segment);
}

TEST(Kill, SigtermFinishesInFlightBatchesSavesTheCheckpointAndExits6) {
    Scenario s(1500);
    FakeSegment segment({"--script", k_slow_script});
    s.configure(segment.url());
    auto child = start_run(s);
    // Signal once a batch was answered, not after a fixed time: under a sanitizer or a
    // loaded machine the run may not have sent anything yet after 400 ms.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (segment.messages().empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_FALSE(child.finished()) << "the run ended before the signal";
    const auto sent_before_signal = segment.requests().size();
    child.kill(SIGTERM);
    const auto r = child.wait();
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_THAT(r.err, HasSubstr("interrupted"));
    const auto checkpoint = nlohmann::json::parse(read_text(s.checkpoint_path()));
    EXPECT_EQ(checkpoint["state"], "running");
    ASSERT_FALSE(checkpoint["watermark"].is_null());
    // What the checkpoint counts as sent was received, as whole batches.
    EXPECT_GE(segment.messages().size(), checkpoint["counters"]["sent"].get<std::size_t>());
    EXPECT_GE(segment.requests().size(), sent_before_signal);
    const auto rerun = s.run();
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_THAT(rerun.err, HasSubstr("resuming snapshot"));
    expect_complete_and_consistent(s, segment);
}

TEST(Kill, ResumeKeepsTheSnapshotsAsOf) {
    Scenario s(600);
    FakeSegment segment({"--script", k_slow_script});
    s.configure(segment.url());
    {
        ProcessOptions options;
        // No --as-of: the run's start becomes as_of, and the resumed run must reuse it.
        options.args = {snapshot_sync_binary(), "run", "--config", s.file("config.toml")};
        options.env = s.env();
        ChildProcess child(options);
        kill_once_sending(child, segment);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the clock moves on
    const auto r = run_snapshot_sync({"run", "--config", s.file("config.toml")}, s.env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> timestamps;
    for (const auto& m : segment.messages()) timestamps.insert(m["timestamp"]);
    EXPECT_EQ(timestamps.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(read_text(s.checkpoint_path()))["state"], "finished");
}

TEST(Kill, ConflictingAsOfWithAnUnfinishedSnapshotIsRefused) {
    Scenario s(600);
    FakeSegment segment({"--script", k_slow_script});
    s.configure(segment.url());
    {
        auto child = start_run(s);
        kill_once_sending(child, segment);
    }
    const auto r = run_snapshot_sync({"run", "--config", s.file("config.toml"), "--as-of", "2026-11-19T00:00:00Z"}, s.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(last_line(r.err), HasSubstr("conflicts with the unfinished snapshot as_of 2026-11-20T08:00:00Z"));
    const auto restart = run_snapshot_sync(
        {"run", "--config", s.file("config.toml"), "--as-of", "2026-11-19T00:00:00Z", "--restart"}, s.env());
    EXPECT_EQ(restart.exit_code, 0) << restart.err;
}

TEST(Kill, TwoRunsOfOneCheckpointNeverOverlap) {
    Scenario s(1000);
    FakeSegment segment({"--script", k_slow_script});
    s.configure(segment.url());
    auto first = start_run(s);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto second = s.run();
    EXPECT_EQ(second.exit_code, 7);
    EXPECT_THAT(last_line(second.err), HasSubstr("another snapshot-sync run holds this checkpoint"));
    EXPECT_EQ(first.wait().exit_code, 0);
}

}  // namespace
}  // namespace ss::test
