// The sink's faults, injected by the fake Segment endpoint: what is
// delivered, what is reported, and the exit status (docs/faults.md).

#include "harness.hpp"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

// Every eligible account (from the dry run) is among the received messages.
void expect_all_delivered(const Scenario& s, const std::vector<nlohmann::json>& received) {
    const auto expected = group_ids(parse_lines(s.dry_run().out));
    const auto got = group_ids(received);
    EXPECT_EQ(got, expected);
    // Copies of one account's message are the same message (Segment drops them by messageId).
    for (const auto& [gid, copies] : by_group(received)) {
        for (const auto& c : copies) EXPECT_EQ(c["messageId"], copies.front()["messageId"]) << gid;
    }
}

TEST(Faults, A503StormWithinTheRetryBudgetDeliversEverything) {
    Scenario s(500);
    FakeSegment segment({"--script", "503x4"});
    s.configure(segment.url());
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_all_delivered(s, segment.messages());
    const auto requests = segment.requests();
    int retried = 0;
    for (const auto& req : requests) retried += !req["retry_count"].is_null();
    EXPECT_EQ(retried, 4);
    // A retried batch carries a new sentAt.
    std::map<std::string, std::set<std::string>> sent_at_by_first_group;
    for (const auto& req : requests) sent_at_by_first_group[req["group_ids"][0]].insert(req["sent_at"]);
    for (const auto& [gid, stamps] : sent_at_by_first_group) EXPECT_GE(stamps.size(), 1u);
    EXPECT_LT(sent_at_by_first_group.size(), requests.size());
}

TEST(Faults, A503StormLongerThanTheBudgetStopsThenTheRerunCompletes) {
    Scenario s(800);
    std::set<std::string> delivered_first;
    {
        FakeSegment stormy({"--script", "200x3,503x500"});
        s.configure(stormy.url());
        const auto r = s.run();
        EXPECT_EQ(r.exit_code, 4) << r.err;
        EXPECT_THAT(r.err, HasSubstr("gave up after 5 retries; last answer: HTTP 503"));
        const auto checkpoint = nlohmann::json::parse(read_text(s.checkpoint_path()));
        EXPECT_EQ(checkpoint["state"], "running");
        EXPECT_FALSE(checkpoint["watermark"].is_null());  // the first batches were acknowledged
        EXPECT_GE(checkpoint["counters"]["sent"].get<int>(), 100);
        delivered_first = group_ids(stormy.messages());
    }
    FakeSegment healthy;
    s.configure(healthy.url());
    const auto rerun = s.run();
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_THAT(rerun.err, HasSubstr("resuming snapshot"));
    std::vector<nlohmann::json> all = healthy.messages();
    std::set<std::string> union_ids = group_ids(all);
    union_ids.insert(delivered_first.begin(), delivered_first.end());
    EXPECT_EQ(union_ids, group_ids(parse_lines(s.dry_run().out)));
    // The rerun started after the checkpoint: most of the first run's accounts were not sent again.
    std::size_t resent = 0;
    for (const auto& gid : group_ids(all)) resent += delivered_first.contains(gid);
    EXPECT_LE(resent, 200u);  // at most the batches that were in flight
    const auto report_line = rerun.err;
    EXPECT_THAT(report_line, HasSubstr("(resumed run)"));
}

TEST(Faults, RetryAfterIsHonouredInSecondsAndAsAnHttpDate) {
    Scenario s(50);
    FakeSegment segment({"--script", "429:ra=1,503:ra-date=2"});
    s.configure(segment.url());
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto requests = segment.requests();
    ASSERT_EQ(requests.size(), 3u);  // 50 accounts, batches of 100: one batch, two retries
    const auto t = [&](int i) { return requests[static_cast<std::size_t>(i)]["t_ms"].get<long long>(); };
    EXPECT_GE(t(1) - t(0), 1000);  // Retry-After: 1
    EXPECT_GE(t(2) - t(1), 1000);  // an HTTP date 2 s ahead, at one-second resolution
    EXPECT_EQ(requests[1]["retry_count"], "1");
    EXPECT_EQ(requests[2]["retry_count"], "2");
    expect_all_delivered(s, segment.messages());
}

TEST(Faults, ConnectionResetsAreRetried) {
    Scenario s(400);
    FakeSegment segment({"--script", "resetx3"});
    s.configure(segment.url());
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_all_delivered(s, segment.messages());
}

TEST(Faults, SlowAnswersWithinTheTimeoutAreFine) {
    Scenario s(300);
    FakeSegment segment({"--script", "slow=2000x2"});
    s.configure(segment.url());
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(segment.requests().size(), 3u);  // no retries
    expect_all_delivered(s, segment.messages());
}

TEST(Faults, AnEndpointThatNeverAnswersTimesOutAndIsRetried) {
    Scenario s(150);
    FakeSegment segment({"--script", "hang=20"});
    write_text(s.file("config.toml"),
               "[database]\nurl = \"sqlite:" + s.db_path() + "\"\n[segment]\nhost = \"" + segment.url() +
                   "\"\nmessages_per_second = 0\nbatch_size = 100\nbackoff_initial = 0.01\nbackoff_max = 0.05\n"
                   "request_timeout = 1\n[checkpoint]\nlocation = \"" + s.checkpoint_path() + "\"\n");
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("Operation timed out"));
    expect_all_delivered(s, segment.messages());
}

TEST(Faults, APoisonMessageIsIsolatedReportedAndEveryOtherDelivered) {
    Scenario s(400);
    const auto lines = parse_lines(s.dry_run().out);
    const std::string poison = lines[137].at("groupId");
    FakeSegment segment({"--poison", poison});
    s.configure(segment.url());
    const auto r = s.run({"--report", s.file("report.json")});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto expected = group_ids(lines);
    expected.erase(poison);
    EXPECT_EQ(group_ids(segment.messages()), expected);
    const auto report = nlohmann::json::parse(read_text(s.file("report.json")));
    EXPECT_EQ(report["status"], "partial");
    EXPECT_EQ(report["accounts"]["rejected"], 1);
    EXPECT_EQ(report["accounts"]["failed"], 0);
    ASSERT_EQ(report["failures"].size(), 1u);
    EXPECT_EQ(report["failures"][0]["account"], poison);
    EXPECT_THAT(report["failures"][0]["reason"].get<std::string>(), HasSubstr("refused by Segment: HTTP 400"));
    EXPECT_THAT(r.err, HasSubstr("failed account " + poison));
    // The run completed: the checkpoint is finished, and the poison account does not block the next day.
    EXPECT_EQ(nlohmann::json::parse(read_text(s.checkpoint_path()))["state"], "finished");
}

TEST(Faults, A200WithGarbageCountsAsDelivered) {
    Scenario s(200);
    FakeSegment segment({"--script", "garbagex5"});
    s.configure(segment.url());
    const auto r = s.run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_all_delivered(s, segment.messages());
}

TEST(Faults, NobodyListeningExhaustsTheRetriesAndSaysSo) {
    Scenario s(100);
    s.configure("http://127.0.0.1:9");  // discard port: nothing listens
    const auto r = s.run();
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_THAT(r.err, HasSubstr("127.0.0.1 port 9"));
    EXPECT_EQ(nlohmann::json::parse(read_text(s.checkpoint_path()))["state"], "running");
}

TEST(Faults, OversizedMessagesAreReportedNeverSent) {
    Scenario s(100);
    FakeSegment segment;
    // A limit at the median message size: about half the messages are over it.
    std::vector<std::size_t> sizes;
    for (const auto& line : parse_lines(s.dry_run().out)) sizes.push_back(line.dump(-1, ' ', false).size());
    std::sort(sizes.begin(), sizes.end());
    const std::size_t limit = sizes[sizes.size() / 2];
    const auto over = static_cast<int>(std::count_if(sizes.begin(), sizes.end(), [&](std::size_t n) { return n > limit; }));
    ASSERT_GT(over, 0);
    write_text(s.file("config.toml"),
               "[database]\nurl = \"sqlite:" + s.db_path() + "\"\n[segment]\nhost = \"" + segment.url() +
                   "\"\nmessages_per_second = 0\nmax_message_bytes = " + std::to_string(limit) +
                   "\n[checkpoint]\nlocation = \"" + s.checkpoint_path() + "\"\n");
    const auto r = s.run({"--report", s.file("report.json")});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const auto report = nlohmann::json::parse(read_text(s.file("report.json")));
    EXPECT_EQ(report["accounts"]["failed"].get<int>(), over);
    EXPECT_THAT(report["failures"][0]["reason"].get<std::string>(),
                HasSubstr("over the " + std::to_string(limit) + "-byte limit"));
    for (auto m : segment.messages()) {
        m.erase("_request");
        EXPECT_LE(m.dump(-1, ' ', false).size(), limit);
    }
    EXPECT_EQ(segment.messages().size() + static_cast<std::size_t>(over), sizes.size());
}

}  // namespace
}  // namespace ss::test
