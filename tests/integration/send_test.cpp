// Real runs against the fake Segment endpoint (a real HTTP server on
// 127.0.0.1): what arrives, how it is framed, and what the checkpoint says.

#include "harness.hpp"
#include "support/edge_cases.hpp"

#include "demo/sqlite_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

TEST(Send, DeliversEveryEligibleAccountExactlyOnceWithinSegmentsLimits) {
    Scenario s(1200);
    FakeSegment segment({"--write-key", k_write_key});
    s.configure(segment.url());
    const auto r = s.run({"--report", s.file("report.json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const auto expected = parse_lines(s.dry_run().out);
    const auto received = segment.messages();
    ASSERT_EQ(received.size(), expected.size());
    const auto groups = by_group(received);
    ASSERT_EQ(groups.size(), expected.size());
    for (const auto& m : expected) {
        const auto it = groups.find(m.at("groupId"));
        ASSERT_NE(it, groups.end());
        auto got = it->second.front();
        got.erase("_request");
        EXPECT_EQ(got, m);  // byte for byte what the dry run shows
    }
    for (const auto& req : segment.requests()) {
        EXPECT_EQ(req["answer"], 200);
        EXPECT_EQ(req["auth"], "ok");
        EXPECT_TRUE(req["gzip"]);
        EXPECT_EQ(req["content_type"], "application/json");
        EXPECT_LE(req["messages"].get<int>(), 100);  // segment.batch_size in the test config
        EXPECT_TRUE(req["violations"].empty()) << req.dump();
        EXPECT_TRUE(req["retry_count"].is_null());
    }
    const auto report = nlohmann::json::parse(read_text(s.file("report.json")));
    EXPECT_EQ(report["status"], "completed");
    EXPECT_EQ(report["accounts"]["sent"], expected.size());
    EXPECT_EQ(report["accounts"]["eligible"], expected.size());
    EXPECT_EQ(report["batches"], segment.requests().size());
    const auto checkpoint = nlohmann::json::parse(read_text(s.checkpoint_path()));
    EXPECT_EQ(checkpoint["state"], "finished");
    EXPECT_EQ(checkpoint["as_of"], k_now);
    EXPECT_EQ(checkpoint["counters"]["sent"], expected.size());
}

TEST(Send, FullSizeBatchesStayUnder2500MessagesAnd500KB) {
    Scenario s(3000);
    FakeSegment segment;
    // Segment's own limits (2,500 messages, 500,000 bytes): with these messages the byte limit cuts first.
    write_text(s.file("config.toml"), "[database]\nurl = \"sqlite:" + s.db_path() + "\"\n[segment]\nhost = \"" +
                                          segment.url() + "\"\nmessages_per_second = 0\n[checkpoint]\nlocation = \"" +
                                          s.checkpoint_path() + "\"\n");
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t total = 0;
    for (const auto& req : segment.requests()) {
        EXPECT_LE(req["bytes_body"].get<std::size_t>(), 500'000u);
        EXPECT_TRUE(req["violations"].empty()) << req.dump();
        total += req["messages"].get<std::size_t>();
    }
    EXPECT_EQ(total, segment.messages().size());
}

TEST(Send, ANewSnapshotAfterAFinishedOne) {
    Scenario s(100);
    FakeSegment segment;
    s.configure(segment.url());
    ASSERT_EQ(s.run().exit_code, 0);
    const auto first = segment.messages().size();
    // Same as_of, finished checkpoint: a new snapshot, with the same messageIds (Segment drops the copies).
    const auto again = s.run();
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_THAT(again.err, HasSubstr("starting snapshot"));
    const auto groups = by_group(segment.messages());
    EXPECT_EQ(segment.messages().size(), 2 * first);
    for (const auto& [gid, copies] : groups) EXPECT_EQ(copies[0]["messageId"], copies[1]["messageId"]);
}

TEST(Send, MissingWriteKeyIsAUsageErrorUnlessDryRun) {
    Scenario s(10);
    s.configure("http://127.0.0.1:9");
    const auto r = run_snapshot_sync({"run", "--config", s.file("config.toml")}, {});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(last_line(r.err), HasSubstr("no Segment write key: set SEGMENT_WRITE_KEY or segment.write_key_file"));
}

TEST(Send, WrongWriteKeyStopsTheRunAndKeepsTheCheckpoint) {
    Scenario s(300);
    FakeSegment segment({"--write-key", "the-right-key"});
    s.configure(segment.url());
    const auto r = s.run();
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_THAT(r.err, HasSubstr("HTTP 401"));
    // 401 is final: no request is a retry. (How many batches went out before the run stopped
    // depends on timing: each sender may have sent one more before the failure settled.)
    const auto requests = segment.requests();
    EXPECT_GE(requests.size(), 1u);
    for (const auto& request : requests) EXPECT_TRUE(request["retry_count"].is_null()) << request.dump();
    const auto checkpoint = nlohmann::json::parse(read_text(s.checkpoint_path()));
    EXPECT_EQ(checkpoint["state"], "running");
    EXPECT_TRUE(checkpoint["watermark"].is_null());
}

TEST(Send, EuHostAndCompatibleCollectorsAreJustAHost) {
    Scenario s(20);
    FakeSegment segment;
    s.configure(segment.url() + "/");  // a trailing slash is fine
    ASSERT_EQ(s.run().exit_code, 0);
    EXPECT_FALSE(segment.messages().empty());
}

TEST(EdgeCases, EveryHandWorkedValueOnSqlite) {
    TempDir dir;
    EdgeCases cases;
    {
        auto writer = demo::open_sqlite_writer(dir.file("edge.sqlite3"));
        cases = write_edge_cases(*writer);
    }
    const auto r = run_snapshot_sync({"run", "--dry-run", "--as-of", core::format_iso8601(cases.as_of)},
                                     {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + dir.file("edge.sqlite3")}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto groups = by_group(parse_lines(r.out));
    std::size_t eligible = 0;
    for (const auto& c : cases.accounts) {
        const auto it = groups.find(c.group_id);
        if (!c.eligible) {
            EXPECT_EQ(it, groups.end()) << c.label;
            continue;
        }
        ++eligible;
        ASSERT_NE(it, groups.end()) << c.label;
        const auto& m = it->second.front();
        EXPECT_EQ(m.at("traits"), c.traits) << c.label;
        EXPECT_EQ(m.at(c.identity_key), c.identity_value) << c.label;
    }
    EXPECT_EQ(groups.size(), eligible);
}

}  // namespace
}  // namespace ss::test
