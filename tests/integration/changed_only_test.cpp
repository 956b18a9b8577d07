// Change detection: a run with --changed-only sends exactly the accounts
// whose traits differ from what Segment last acknowledged, with the state
// in each store: the file store and a table in SQLite here; the same tests
// against tables in PostgreSQL and MariaDB are built into
// changed_only_server_tests (SNAPSHOT_SYNC_SERVER_STORES, label databases).

#include "harness.hpp"

#include "checkpoint/store.hpp"
#ifdef SNAPSHOT_SYNC_SERVER_STORES
#include "databases/servers.hpp"
#endif

#include <sqlite3.h>

#include <filesystem>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* k_day2 = "2026-11-21T08:00:00Z";
constexpr const char* k_day3 = "2026-11-22T08:00:00Z";

void sql(const std::string& db, const std::string& statement) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(h);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

// groupId -> what the account says (identity and traits), from a dry run at `as_of`.
std::map<std::string, nlohmann::json> what_accounts_say(const Scenario& s, const std::string& as_of) {
    const auto r = run_snapshot_sync({"run", "--dry-run", "--as-of", as_of},
                                     {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + s.db_path()}});
    std::map<std::string, nlohmann::json> out;
    for (auto m : parse_lines(r.out)) {
        const std::string gid = m["groupId"];
        m.erase("messageId");
        m.erase("timestamp");
        out[gid] = m;
    }
    return out;
}

std::set<std::string> changed_between(const std::map<std::string, nlohmann::json>& before,
                                      const std::map<std::string, nlohmann::json>& after) {
    std::set<std::string> changed;
    for (const auto& [gid, m] : after) {
        auto it = before.find(gid);
        if (it == before.end() || it->second != m) changed.insert(gid);
    }
    return changed;
}

// Where the job keeps its state: "file" (the checkpoint path of the config),
// or a table store, through SNAPSHOT_SYNC_CHECKPOINT: "sqlite", "postgresql", "mysql".
class StateLocation {
public:
    StateLocation(const std::string& kind, const Scenario& s) : m_kind(kind), m_path(s.checkpoint_path()) {
        if (kind == "sqlite") m_url = "sqlite:" + s.file("state.sqlite3");
#ifdef SNAPSHOT_SYNC_SERVER_STORES
        if (kind == "postgresql" || kind == "mysql") {
            m_database = std::make_unique<ScratchDatabase>(kind == "postgresql" ? Server::Postgresql : Server::Mysql);
            m_url = m_database->url();
        }
#endif
        if (kind != "file" && m_url.empty()) throw std::invalid_argument("no state store '" + kind + "' in this build");
    }
    bool is_file() const { return m_kind == "file"; }
    std::map<std::string, std::string> env() const {
        if (is_file()) return {};
        return {{"SNAPSHOT_SYNC_CHECKPOINT", m_url}};
    }
    checkpoint::Checkpoint load() const {
        if (!is_file() && std::filesystem::exists(m_path)) {
            throw std::runtime_error("the run wrote " + m_path + " instead of keeping its state in " + m_kind);
        }
        auto store = checkpoint::open_checkpoint_store(is_file() ? m_path : m_url, {}, "snapshot-sync",
                                                       {checkpoint::Access::ReadOnly, std::nullopt, 10});
        auto c = store->load();
        if (!c) throw std::runtime_error("no checkpoint in " + store->describe());
        return *c;
    }

private:
    std::string m_kind;
    std::string m_path;
    std::string m_url;
#ifdef SNAPSHOT_SYNC_SERVER_STORES
    std::unique_ptr<ScratchDatabase> m_database;
#endif
};

class ChangedOnly : public ::testing::TestWithParam<std::string> {
protected:
    std::map<std::string, std::string> env(const Scenario& s) {
        auto e = s.env();
        for (const auto& [k, v] : state(s).env()) e[k] = v;
        return e;
    }
    ProcessResult run_at(const Scenario& s, const std::string& as_of, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"run", "--config", s.file("config.toml"), "--as-of", as_of};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_snapshot_sync(args, env(s));
    }
    // Made on first use, once the test's Scenario exists.
    StateLocation& state(const Scenario& s) {
        if (!m_state) m_state = std::make_unique<StateLocation>(GetParam(), s);
        return *m_state;
    }

private:
    std::unique_ptr<StateLocation> m_state;
};

// Five percent of the accounts get one more card.
void change_five_percent(const Scenario& s) { sql(s.db_path(), "UPDATE accounts SET cards_count = cards_count + 1 WHERE rowid % 20 = 0"); }

TEST_P(ChangedOnly, Day2SendsExactlyTheAccountsThatChanged) {
    Scenario s(2000);
    const auto day1_view = what_accounts_say(s, k_now);
    {
        FakeSegment day1;
        s.configure(day1.url(), "[run]\nchanged_only = true\n");
        const auto r = run_at(s, k_now, {"--report", s.file("day1.json")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(group_ids(day1.messages()).size(), day1_view.size());  // nothing acknowledged yet: all
    }
    change_five_percent(s);
    const auto expected = changed_between(day1_view, what_accounts_say(s, k_day2));
    ASSERT_GE(expected.size(), day1_view.size() / 20);  // the 5%, plus what the moving 30-day window changes
    ASSERT_LT(expected.size(), day1_view.size() / 2);
    FakeSegment day2;
    s.configure(day2.url(), "[run]\nchanged_only = true\n");
    const auto r = run_at(s, k_day2, {"--report", s.file("day2.json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(group_ids(day2.messages()), expected);
    const auto report = nlohmann::json::parse(read_text(s.file("day2.json")));
    EXPECT_EQ(report["accounts"]["sent"], expected.size());
    EXPECT_EQ(report["accounts"]["unchanged"].get<std::size_t>() + expected.size(), report["accounts"]["queried"]);
    EXPECT_TRUE(report["changed_only"]);
    EXPECT_THAT(r.err, HasSubstr("sending only changed ones"));

    // Day 3, nothing changed but the calendar: only the window's movers.
    FakeSegment day3;
    s.configure(day3.url(), "[run]\nchanged_only = true\n");
    ASSERT_EQ(run_at(s, k_day3).exit_code, 0);
    EXPECT_EQ(group_ids(day3.messages()), changed_between(what_accounts_say(s, k_day2), what_accounts_say(s, k_day3)));
}

TEST_P(ChangedOnly, AccountsThatFailedAreSentAgainEvenIfUnchanged) {
    Scenario s(300);
    const auto view = what_accounts_say(s, k_now);
    const std::string poison = view.begin()->first;
    {
        FakeSegment day1({"--poison", poison});
        s.configure(day1.url(), "[run]\nchanged_only = true\n");
        EXPECT_EQ(run_at(s, k_now).exit_code, 3);
    }
    FakeSegment day2;
    s.configure(day2.url(), "[run]\nchanged_only = true\n");
    ASSERT_EQ(run_at(s, k_now, {"--restart"}).exit_code, 0);  // same as_of: nothing changed at all
    EXPECT_EQ(group_ids(day2.messages()), std::set<std::string>{poison});
}

TEST_P(ChangedOnly, AnUnacknowledgedBatchRecordsNoFingerprint) {
    Scenario s(1000);
    s.set_batch_size(10);
    const auto before = what_accounts_say(s, k_now);
    {
        FakeSegment day1;
        s.configure(day1.url(), "[run]\nchanged_only = true\n");
        ASSERT_EQ(run_at(s, k_now).exit_code, 0);
    }
    change_five_percent(s);
    const auto expected = changed_between(before, what_accounts_say(s, k_day2));
    std::set<std::string> delivered;
    {
        // Three batches get through, then Segment stays down past the retry budget.
        FakeSegment stormy({"--script", "200x3,503x1000"});
        s.configure(stormy.url(), "[run]\nchanged_only = true\n");
        const auto r = run_at(s, k_day2);
        EXPECT_EQ(r.exit_code, 4) << r.err;
        delivered = group_ids(stormy.messages());
        const auto checkpoint = state(s).load();
        EXPECT_EQ(checkpoint.state, checkpoint::Checkpoint::State::Running);
        // What settled was delivered (a batch acknowledged after one that failed does not settle).
        EXPECT_LE(checkpoint.counters.sent, static_cast<std::int64_t>(delivered.size()));
        if (state(s).is_file()) {
            // Exactly the acknowledged accounts were recorded (sent and unchanged ones), none of the rest.
            EXPECT_EQ(checkpoint.fingerprints_recorded, checkpoint.counters.sent + checkpoint.counters.unchanged);
        }
    }
    // A crash on top, at a random moment of the resumed run, then the final resume.
    FakeSegment healthy({"--script", "slow=100x100000"});
    s.configure(healthy.url(), "[run]\nchanged_only = true\n");
    {
        ProcessOptions options;
        options.args = {snapshot_sync_binary(), "run", "--config", s.file("config.toml"), "--as-of", k_day2};
        options.env = env(s);
        ChildProcess child(options);
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        child.kill(SIGKILL);
        child.wait();
    }
    const auto r = run_at(s, k_day2);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto all = group_ids(healthy.messages());
    all.insert(delivered.begin(), delivered.end());
    EXPECT_EQ(all, expected);  // nothing lost
    // And nothing recorded that was not acknowledged: the next day with no change sends only window movers.
    FakeSegment day3;
    s.configure(day3.url(), "[run]\nchanged_only = true\n");
    ASSERT_EQ(run_at(s, k_day3).exit_code, 0);
    EXPECT_EQ(group_ids(day3.messages()), changed_between(what_accounts_say(s, k_day2), what_accounts_say(s, k_day3)));
}

TEST_P(ChangedOnly, FullSendsEverythingAndAccountsNoLongerEligibleDropOut) {
    Scenario s(300);
    const auto view = what_accounts_say(s, k_now);
    {
        FakeSegment day1;
        s.configure(day1.url(), "[run]\nchanged_only = true\n");
        ASSERT_EQ(run_at(s, k_now).exit_code, 0);
    }
    {
        FakeSegment full;
        s.configure(full.url(), "[run]\nchanged_only = true\n");
        ASSERT_EQ(run_at(s, k_now, {"--restart", "--full"}).exit_code, 0);
        EXPECT_EQ(group_ids(full.messages()).size(), view.size());
    }
    // Cancel an account: it drops out of the state; un-cancel it: it is sent again, though unchanged.
    const std::string gid = view.begin()->first;
    sql(s.db_path(), "INSERT INTO account_cancellations (id, account_id, created_at, initiated_by_id, updated_at) "
                     "SELECT randomblob(16), id, '2026-11-01 00:00:00', id, '2026-11-01 00:00:00' FROM accounts "
                     "ORDER BY id LIMIT 1");
    {
        FakeSegment cancelled;
        s.configure(cancelled.url(), "[run]\nchanged_only = true\n");
        ASSERT_EQ(run_at(s, k_now, {"--restart"}).exit_code, 0);
        EXPECT_TRUE(cancelled.messages().empty());
    }
    sql(s.db_path(), "DELETE FROM account_cancellations WHERE created_at = '2026-11-01 00:00:00'");
    FakeSegment back;
    s.configure(back.url(), "[run]\nchanged_only = true\n");
    ASSERT_EQ(run_at(s, k_now, {"--restart"}).exit_code, 0);
    EXPECT_EQ(group_ids(back.messages()), std::set<std::string>{gid});
}

TEST_P(ChangedOnly, AFullSnapshotIsDueEveryNDays) {
    Scenario s(200);
    {
        FakeSegment day1;
        s.configure(day1.url(), "[run]\nchanged_only = true\nfull_every_days = 7\n");
        ASSERT_EQ(run_at(s, k_now).exit_code, 0);  // never had a full one: full
        EXPECT_FALSE(day1.messages().empty());
    }
    FakeSegment day2;
    s.configure(day2.url(), "[run]\nchanged_only = true\nfull_every_days = 7\n");
    const auto r = run_at(s, k_now, {"--restart"});
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_TRUE(day2.messages().empty());  // the last full one is recent: changed only, and nothing changed
}

TEST_P(ChangedOnly, DryRunPreviewsWhatWouldBeSent) {
    Scenario s(300);
    const auto before = what_accounts_say(s, k_now);
    {
        FakeSegment day1;
        s.configure(day1.url(), "[run]\nchanged_only = true\n");
        ASSERT_EQ(run_at(s, k_now).exit_code, 0);
    }
    change_five_percent(s);
    const auto expected = changed_between(before, what_accounts_say(s, k_now));
    ASSERT_FALSE(expected.empty());
    const auto r = run_snapshot_sync({"run", "--dry-run", "--config", s.file("config.toml"), "--as-of", k_now},
                                     state(s).env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(group_ids(parse_lines(r.out)), expected);
}

std::string store_name(const ::testing::TestParamInfo<std::string>& param) { return param.param; }

#ifdef SNAPSHOT_SYNC_SERVER_STORES
INSTANTIATE_TEST_SUITE_P(ServerStores, ChangedOnly, ::testing::Values("postgresql", "mysql"), store_name);
#else
INSTANTIATE_TEST_SUITE_P(Stores, ChangedOnly, ::testing::Values("file", "sqlite"), store_name);
#endif

}  // namespace
}  // namespace ss::test
