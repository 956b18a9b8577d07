// The same data in SQLite, PostgreSQL and MariaDB gives the same messages,
// byte for byte: the generated demo dataset (unsharded and in 3 shards; shards
// of N = 1, 3 and 7 partition it), the
// handcrafted edge cases of SPEC §2/§3 with their expected traits, and
// strings that only an exact (byte) comparison tells apart.

#include "servers.hpp"

#include "core/time.hpp"
#include "demo/writer.hpp"
#include "support/edge_cases.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ss::test {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* k_now = "2026-11-20T08:00:00Z";

// Where two outputs first differ, for a readable failure.
::testing::AssertionResult same_lines(const std::string& expected, const std::string& actual) {
    const auto a = lines_of(expected), b = lines_of(actual);
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] != b[i]) {
            return ::testing::AssertionFailure() << "line " << i + 1 << " differs:\n  sqlite: " << a[i]
                                                 << "\n  here:   " << b[i];
        }
    }
    if (a.size() != b.size()) return ::testing::AssertionFailure() << a.size() << " lines vs " << b.size();
    if (expected != actual) return ::testing::AssertionFailure() << "same lines, different bytes";
    return ::testing::AssertionSuccess();
}

std::set<std::string> line_set(const std::string& text) {
    const auto lines = lines_of(text);
    return {lines.begin(), lines.end()};
}

std::string run_ok(const std::string& url, const std::vector<std::string>& args) {
    const auto r = dry_run(url, args);
    EXPECT_EQ(r.exit_code, 0) << url << "\n" << r.err;
    return r.out;
}

struct Target {
    std::string label;
    std::string url;
};

TEST(Conformance, DemoDatasetGivesByteIdenticalOutputOnAllThreeDatabasesUnshardedAndSharded) {
    TempDir dir;
    ScratchDatabase pg(Server::Postgresql);
    ScratchDatabase my(Server::Mysql);
    const std::vector<Target> targets{
        {"sqlite", "sqlite:" + dir.file("fizzy.sqlite3")}, {"postgresql", pg.url()}, {"mysql", my.url()}};
    for (const auto& t : targets) load_demo(t.url, 2000, 11, k_now);

    const std::vector<std::string> as_of{"--as-of", k_now};
    const std::string reference = run_ok(targets[0].url, as_of);
    const auto reference_lines = lines_of(reference);
    ASSERT_GT(reference_lines.size(), 1800u);
    // The data exercises what can go wrong between dialects.
    EXPECT_THAT(reference, HasSubstr("\xF0\x9F"));         // 4-byte UTF-8 names
    EXPECT_THAT(reference, HasSubstr("\"anonymousId\""));  // accounts without a system user
    EXPECT_THAT(reference, HasSubstr("\"legacy_team\""));  // a plan without a price
    for (const auto& t : targets) {
        if (t.label == "sqlite") continue;
        SCOPED_TRACE(t.label);
        EXPECT_TRUE(same_lines(reference, run_ok(t.url, as_of)));
    }

    for (int shard = 0; shard < 3; ++shard) {
        std::vector<std::string> args = as_of;
        args.insert(args.end(), {"--shard", std::to_string(shard) + "/3"});
        const std::string sqlite_shard = run_ok(targets[0].url, args);
        for (const auto& t : targets) {
            if (t.label == "sqlite") continue;
            SCOPED_TRACE(t.label + " shard " + std::to_string(shard));
            EXPECT_TRUE(same_lines(sqlite_shard, run_ok(t.url, args)));
        }
    }
    // For N = 1, 3 and 7, shards are pairwise disjoint and together are the
    // unsharded run, on every database. N = 7 takes its index the way a
    // Kubernetes Indexed Job gives it: --shards 7 and JOB_COMPLETION_INDEX.
    for (const auto& t : targets) {
        for (const int n : {1, 3, 7}) {
            SCOPED_TRACE(t.label + " N=" + std::to_string(n));
            std::set<std::string> all;
            std::size_t total = 0;
            for (int shard = 0; shard < n; ++shard) {
                const auto r = n == 7 ? dry_run(t.url, {"--as-of", k_now, "--shards", "7"},
                                                {{"JOB_COMPLETION_INDEX", std::to_string(shard)}})
                                      : dry_run(t.url, {"--as-of", k_now, "--shard", fmt::format("{}/{}", shard, n)});
                ASSERT_EQ(r.exit_code, 0) << r.err;
                const auto lines = line_set(r.out);
                // Every shard gets its share: at least half the mean (2000 accounts; the
                // balance at 100k is measured by bench/run.sh).
                EXPECT_GT(lines.size(), reference_lines.size() / n / 2) << "shard " << shard << " is lopsided";
                total += lines.size();
                all.insert(lines.begin(), lines.end());
            }
            EXPECT_EQ(total, all.size()) << "a message is in two shards";
            EXPECT_EQ(all, line_set(reference));
        }
    }
}

class OnServer : public ::testing::TestWithParam<Server> {};

// The messages of a dry run, by groupId.
std::map<std::string, Json> messages_by_group(const std::string& out) {
    std::map<std::string, Json> by_group;
    for (const auto& line : lines_of(out)) {
        auto message = Json::parse(line);
        const auto group_id = message.at("groupId").get<std::string>();
        by_group[group_id] = std::move(message);
    }
    return by_group;
}

TEST_P(OnServer, EdgeCasesOfSpecSections2And3GiveTheHandComputedTraitsAndMatchSqlite) {
    ScratchDatabase database(GetParam());
    TempDir dir;
    const std::string sqlite = "sqlite:" + dir.file("edge.sqlite3");
    const EdgeCases cases = write_edge_cases(*demo::open_demo_writer(database.url()));
    write_edge_cases(*demo::open_demo_writer(sqlite));

    const std::vector<std::string> args{"--as-of", core::format_iso8601(cases.as_of)};
    const std::string out = run_ok(database.url(), args);
    EXPECT_TRUE(same_lines(run_ok(sqlite, args), out));

    const auto messages = messages_by_group(out);
    std::size_t eligible = 0;
    for (const auto& expected : cases.accounts) {
        SCOPED_TRACE(expected.label);
        const auto it = messages.find(expected.group_id);
        if (!expected.eligible) {
            EXPECT_EQ(it, messages.end()) << "an ineligible account was sent";
            continue;
        }
        ++eligible;
        ASSERT_NE(it, messages.end()) << "an eligible account is missing";
        const Json& message = it->second;
        EXPECT_EQ(message["traits"], expected.traits);
        EXPECT_EQ(message[expected.identity_key], expected.identity_value);
        EXPECT_FALSE(message.contains(expected.identity_key == "userId" ? "anonymousId" : "userId"));
    }
    EXPECT_EQ(messages.size(), eligible);
}

// Enumerated strings that differ from the expected ones only by case or
// trailing spaces: SQLite compares bytes, so every database must (MySQL's
// default collation alone would call 'System' and 'system ' 'system').
TEST_P(OnServer, StringsThatDifferOnlyInCaseOrTrailingSpacesAreComparedAsBytesLikeSqlite) {
    using demo::DateTime;
    using demo::Value;
    ScratchDatabase database(GetParam());
    TempDir dir;
    const std::string sqlite = "sqlite:" + dir.file("bytes.sqlite3");
    const core::Instant as_of = *core::parse_iso8601(k_now);
    const DateTime created{as_of - std::chrono::days{100}, 0};
    auto id = [](int n) {
        core::Uuid::Bytes b{};
        b[0] = 0x01;
        b[1] = static_cast<std::uint8_t>(n);
        b[6] = 0x70;
        b[8] = 0x80;
        return core::Uuid{b};
    };
    const std::vector<std::string> user_columns{"id", "account_id", "active", "created_at", "identity_id",
                                                "name", "role", "updated_at", "verified_at"};
    for (const auto& url : {database.url(), sqlite}) {
        auto writer = demo::open_demo_writer(url);
        writer->create_schema(false);
        writer->begin_table("accounts", {"id", "cards_count", "created_at", "external_account_id", "name", "updated_at"});
        for (int a = 1; a <= 3; ++a) writer->add_row({id(a), std::int64_t{0}, created, std::int64_t{a}, "Bytes", created});
        writer->end_table();
        writer->begin_table("users", user_columns);
        int n = 10;
        for (const std::string role : {"system", "System", "SYSTEM", "system ", "owner", "Owner"}) {
            writer->add_row({id(n), id(1), true, DateTime{created.seconds + std::chrono::seconds{n}, 0}, id(n + 50),
                             "U", role, created, nullptr});
            ++n;
        }
        writer->end_table();
        writer->begin_table("account_imports", {"id", "account_id", "completed_at", "created_at", "failure_reason",
                                                "identity_id", "status", "updated_at"});
        writer->add_row({id(30), id(2), nullptr, created, nullptr, id(31), "Pending", created});
        writer->end_table();
        writer->begin_table("storage_totals", {"id", "bytes_stored", "created_at", "last_entry_id", "owner_id",
                                               "owner_type", "updated_at"});
        writer->add_row({id(40), std::int64_t{1000}, created, nullptr, id(3), "account", created});
        writer->end_table();
        writer->begin_table("entropies", {"id", "account_id", "auto_postpone_period", "container_id",
                                          "container_type", "created_at", "updated_at"});
        writer->add_row({id(41), id(3), std::int64_t{7 * 86400}, id(3), "ACCOUNT", created, created});
        writer->end_table();
        writer->finish();
    }
    const std::vector<std::string> args{"--as-of", k_now};
    const std::string out = run_ok(database.url(), args);
    EXPECT_TRUE(same_lines(run_ok(sqlite, args), out));

    const auto messages = messages_by_group(out);
    ASSERT_EQ(messages.size(), 3u);  // 'Pending' is not 'pending': account 2 is eligible
    const Json& first = messages.at(id(1).to_base36());
    EXPECT_EQ(first["userId"], id(10).to_base36());         // only the exact 'system' is the system user
    EXPECT_EQ(first["traits"]["user_count"], 5);            // 'System', 'SYSTEM', 'system ', 'owner', 'Owner'
    const Json& third = messages.at(id(3).to_base36());
    EXPECT_EQ(third["traits"]["storage_used_bytes"], 0);    // owner_type 'account' is not 'Account'
    EXPECT_TRUE(third["traits"]["entropy_period_days"].is_null());  // nor is 'ACCOUNT'
}

// A storage ledger past 64 bits is that account's failure (as SQLite's
// snapshot_sum() makes it), never a query error that stops the run, nor a
// wrapped or clamped number.
TEST_P(OnServer, ALedgerPast64BitsFailsThatAccountAndTheRunGoesOn) {
    using demo::DateTime;
    ScratchDatabase database(GetParam());
    const core::Instant as_of = *core::parse_iso8601(k_now);
    const DateTime created{as_of - std::chrono::days{100}, 0};
    auto id = [](int n) {
        core::Uuid::Bytes b{};
        b[0] = 0x01;
        b[1] = static_cast<std::uint8_t>(n);
        b[6] = 0x70;
        b[8] = 0x80;
        return core::Uuid{b};
    };
    {
        auto writer = demo::open_demo_writer(database.url());
        writer->create_schema(false);
        writer->begin_table("accounts", {"id", "cards_count", "created_at", "external_account_id", "name", "updated_at"});
        for (int a = 1; a <= 2; ++a) writer->add_row({id(a), std::int64_t{0}, created, std::int64_t{a}, "Big", created});
        writer->end_table();
        writer->begin_table("storage_totals", {"id", "bytes_stored", "created_at", "last_entry_id", "owner_id",
                                               "owner_type", "updated_at"});
        writer->add_row({id(10), std::numeric_limits<std::int64_t>::max(), created, nullptr, id(1), "Account", created});
        writer->add_row({id(11), std::numeric_limits<std::int64_t>::max() - 5, created, nullptr, id(2), "Account", created});
        writer->end_table();
        writer->begin_table("storage_entries", {"id", "account_id", "blob_id", "board_id", "created_at", "delta",
                                                "operation", "recordable_id", "recordable_type", "request_id", "user_id"});
        writer->add_row({id(20), id(1), nullptr, nullptr, created, std::int64_t{10}, "attach", nullptr, nullptr, nullptr,
                         nullptr});
        writer->add_row({id(21), id(2), nullptr, nullptr, created, std::int64_t{5}, "attach", nullptr, nullptr, nullptr,
                         nullptr});
        writer->end_table();
        writer->finish();
    }
    const auto r = dry_run(database.url(), {"--as-of", k_now});
    EXPECT_EQ(r.exit_code, 3) << r.err;  // completed, some accounts failed
    const auto messages = messages_by_group(r.out);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages.at(id(2).to_base36())["traits"]["storage_used_bytes"], std::numeric_limits<std::int64_t>::max());
    EXPECT_THAT(r.err, HasSubstr("storage_used_bytes is not a 64-bit integer"));
}

INSTANTIATE_TEST_SUITE_P(Databases, OnServer, ::testing::Values(Server::Postgresql, Server::Mysql),
                         [](const auto& test) { return server_name(test.param); });

}  // namespace
}  // namespace ss::test
