// The dry run against the embedded default (SQLite): every message checked
// against values the test computes itself from the generated rows.

#include "harness.hpp"
#include "support/reference_model.hpp"

#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

std::chrono::sys_seconds now_instant() {
    return std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + std::chrono::hours{8};
}

TEST(DryRun, EveryMessageMatchesTheReferenceModel) {
    Scenario s(1500);
    const auto r = s.dry_run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = parse_lines(r.out);
    const auto expected = reference_messages(s.db_path(), {now_instant()});
    ASSERT_GT(expected.size(), 1300u);  // most of 1,500 accounts are eligible
    ASSERT_EQ(lines.size(), expected.size());
    std::set<std::string> seen;
    for (const auto& m : lines) {
        const std::string gid = m.at("groupId");
        ASSERT_TRUE(seen.insert(gid).second) << "two messages for " << gid;
        const auto it = expected.find(gid);
        ASSERT_NE(it, expected.end()) << "not eligible: " << gid;
        const auto& e = it->second;
        EXPECT_EQ(m.at("type"), "group");
        EXPECT_EQ(m.at(e.identity_key), e.identity_value) << gid;
        EXPECT_EQ(m.at("traits"), e.traits) << gid;
        EXPECT_EQ(m.at("timestamp"), k_now);
        EXPECT_EQ(m.at("context").at("library").at("name"), "snapshot-sync");
        EXPECT_EQ(m.at("messageId").get<std::string>().rfind("snapshot-sync-", 0), 0u);
    }
    // The dataset exercises what the model checks: an unpriced plan, anonymous calls, invalid UTF-8.
    int unpriced = 0, anonymous = 0, repaired = 0;
    for (const auto& [gid, e] : expected) {
        unpriced += e.traits["mrr"].is_null();
        anonymous += e.identity_key == "anonymousId";
        repaired += e.traits["name"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos;
    }
    EXPECT_GT(unpriced, 0);
    EXPECT_GT(anonymous, 0);
    EXPECT_GT(repaired, 0);
}

TEST(DryRun, IsDeterministicAndInIdOrder) {
    Scenario s(300);
    const auto a = s.dry_run();
    const auto b = s.dry_run();
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    std::string previous;
    for (const auto& m : parse_lines(a.out)) {
        EXPECT_LT(previous, m.at("groupId").get<std::string>());
        previous = m.at("groupId");
    }
}

TEST(DryRun, StdoutHoldsMessagesOnlyAndNeedsNoWriteKey) {
    Scenario s(50);
    const auto r = s.dry_run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& m : parse_lines(r.out)) EXPECT_EQ(m.at("type"), "group");
    EXPECT_THAT(r.err, HasSubstr("dry run completed"));
}

TEST(DryRun, OneAccountPreview) {
    Scenario s(200);
    const auto all = parse_lines(s.dry_run().out);
    ASSERT_GT(all.size(), 10u);
    const std::string gid = all[5].at("groupId");
    const auto one = s.dry_run({"--account", gid});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(parse_lines(one.out).size(), 1u);
    EXPECT_EQ(parse_lines(one.out)[0], all[5]);
    // The same account by its hex id, plus one that does not exist: exit 3, reported.
    const auto mixed = s.dry_run({"--account", gid, "--account", "0123456789abcdef0123456789abcdef"});
    EXPECT_EQ(mixed.exit_code, 3) << mixed.err;
    EXPECT_EQ(parse_lines(mixed.out).size(), 1u);
    EXPECT_THAT(mixed.err, HasSubstr("no eligible account with this id"));
}

TEST(DryRun, SelfHostedDatabaseHasNoBilling) {
    Scenario s(100, {"--self-hosted"});
    const auto r = s.dry_run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("no account_subscriptions table"));
    for (const auto& m : parse_lines(r.out)) {
        EXPECT_EQ(m["traits"]["plan"], "free");
        EXPECT_EQ(m["traits"]["mrr"], 0);
    }
}

TEST(DryRun, IdentityModes) {
    Scenario s(100);
    s.configure("http://127.0.0.1:9", "[identity]\nmode = \"anonymous\"\nanonymous_id = \"fizzy-snapshots\"\n");
    const auto r = run_snapshot_sync({"run", "--dry-run", "--config", s.file("config.toml"), "--as-of", k_now}, {});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& m : parse_lines(r.out)) {
        EXPECT_EQ(m.at("anonymousId"), "fizzy-snapshots");
        EXPECT_FALSE(m.contains("userId"));
    }
}

}  // namespace
}  // namespace ss::test

namespace ss::test {
namespace {

// Fizzy stopped: its WAL database has no -shm file, and the job, another
// user, may not create one in the directory. It reads the file as immutable.
TEST(DryRun, AStoppedWalDatabaseInADirectoryTheJobCannotWriteIsReadAsImmutable) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run the job as another user";
    Scenario s(60);
    const auto expected = s.dry_run().out;
    const auto dir = std::filesystem::path(s.db_path()).parent_path();
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                          std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                          std::filesystem::perms::others_exec);
    // As a stopped app leaves it (the root dry run above left an empty WAL and its index).
    std::filesystem::remove(s.db_path() + "-wal");
    std::filesystem::remove(s.db_path() + "-shm");
    ProcessOptions options;
    options.args = {"/usr/sbin/runuser", "-u", "nobody", "--", snapshot_sync_binary(), "run", "--dry-run", "--as-of", k_now};
    options.env = {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + s.db_path()}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}};
    const auto r = run_process(options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("reading it as immutable"));
    EXPECT_EQ(r.out, expected);
}

}  // namespace
}  // namespace ss::test
