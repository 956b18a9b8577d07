// The state store in database tables (checkpoint.location = sqlite:...,
// postgresql://... or mysql://...), against real servers: the same contract
// as the file store, and a real run that is killed and resumed with it.

#include "servers.hpp"

#include "checkpoint/store.hpp"
#include "config/database_url.hpp"
#include "core/error.hpp"
#include "support/fake_segment.hpp"

#include <csignal>
#include <map>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using checkpoint::Checkpoint;
using checkpoint::FingerprintRecord;
using ::testing::HasSubstr;

enum class Backend { Sqlite, Postgresql, Mysql };

void PrintTo(Backend b, std::ostream* out) {
    *out << (b == Backend::Sqlite ? "sqlite" : b == Backend::Postgresql ? "postgresql" : "mysql");
}

// A store location of its own for one test.
class Location {
public:
    explicit Location(Backend backend) {
        if (backend == Backend::Sqlite) {
            m_url = "sqlite:" + m_dir.file("state.sqlite3");
        } else {
            m_database = std::make_unique<ScratchDatabase>(backend == Backend::Postgresql ? Server::Postgresql : Server::Mysql);
            m_url = m_database->url();
        }
    }
    const std::string& url() const { return m_url; }

private:
    TempDir m_dir;
    std::unique_ptr<ScratchDatabase> m_database;
    std::string m_url;
};

Checkpoint sample() {
    Checkpoint c;
    c.job = "snapshot-sync";
    c.shard = "0/1";
    c.as_of = *core::parse_iso8601("2026-11-20T08:00:00Z");
    c.started_at = c.as_of;
    c.updated_at = c.as_of;
    return c;
}

core::Uuid id(int n) {
    core::Uuid::Bytes b{};
    b[0] = 0x01;
    b[14] = static_cast<std::uint8_t>(n >> 8);
    b[15] = static_cast<std::uint8_t>(n);
    return core::Uuid{b};
}

std::map<int, std::uint64_t> lookup_all(checkpoint::CheckpointStore& store, int up_to) {
    std::map<int, std::uint64_t> found;
    auto cursor = store.acknowledged_fingerprints(std::nullopt);
    for (int n = 1; n <= up_to; ++n) {
        if (auto fp = cursor->find(id(n))) found[n] = *fp;
    }
    return found;
}

std::unique_ptr<checkpoint::CheckpointStore> open(const std::string& url, source::Shard shard = {},
                                                  checkpoint::Access access = checkpoint::Access::ReadWrite) {
    return checkpoint::open_checkpoint_store(url, shard, "snapshot-sync", {access, std::nullopt, 10});
}

class StateStore : public ::testing::TestWithParam<Backend> {};

TEST_P(StateStore, CheckpointsRoundTripPerShard) {
    Location where(GetParam());
    auto store = open(where.url());
    EXPECT_FALSE(store->load());
    auto cp = sample();
    cp.watermark = id(7);
    cp.counters.sent = 42;
    store->begin(cp, false);
    EXPECT_EQ(store->load(), cp);
    // Another shard of the same job has its own.
    auto shard = open(where.url(), {1, 3});
    EXPECT_FALSE(shard->load());
    EXPECT_THAT(store->describe(), ::testing::Not(HasSubstr("app_pw")));
}

TEST_P(StateStore, FingerprintsOfAFinishedSnapshotReplaceThePreviousOnes) {
    Location where(GetParam());
    auto store = open(where.url());
    auto cp = sample();
    store->begin(cp, false);
    store->commit(cp, std::vector<FingerprintRecord>{{id(1), 11}, {id(2), 0xfedcba9876543210ULL}, {id(3), 33}});
    EXPECT_TRUE(lookup_all(*store, 9).empty());
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {2, 0xfedcba9876543210ULL}, {3, 33}}));
    cp.state = Checkpoint::State::Running;
    store->begin(cp, false);
    store->commit(cp, std::vector<FingerprintRecord>{{id(1), 11}, {id(3), 34}});
    store->commit(cp, std::vector<FingerprintRecord>{{id(4), 44}});
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {3, 34}, {4, 44}}));
    auto after = store->acknowledged_fingerprints(id(2));
    EXPECT_FALSE(after->find(id(1)));
    EXPECT_EQ(after->find(id(4)), 44u);
}

TEST_P(StateStore, AResumedSnapshotKeepsWhatWasCommittedAndANewOneDropsIt) {
    Location where(GetParam());
    auto cp = sample();
    {
        auto store = open(where.url());
        store->begin(cp, false);
        store->commit(cp, std::vector<FingerprintRecord>{{id(1), 11}, {id(2), 22}});
    }  // killed before finishing
    {
        auto store = open(where.url());
        ASSERT_TRUE(store->load());
        store->begin(*store->load(), true);
        store->commit(cp, std::vector<FingerprintRecord>{{id(3), 33}});
        cp.state = Checkpoint::State::Finished;
        store->finish(cp);
        EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {2, 22}, {3, 33}}));
    }
    auto store = open(where.url());
    cp.state = Checkpoint::State::Running;
    store->begin(cp, false);
    store->commit(cp, std::vector<FingerprintRecord>{{id(9), 99}});
    // abandoned: a new snapshot starts over, the finished one's fingerprints stay acknowledged
    store->begin(cp, false);
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    EXPECT_TRUE(lookup_all(*store, 9).empty());
}

TEST_P(StateStore, ManyFingerprintsArePagedInOrder) {
    Location where(GetParam());
    auto store = open(where.url());
    auto cp = sample();
    store->begin(cp, false);
    std::vector<FingerprintRecord> records;
    for (int n = 1; n <= 25'000; ++n) {
        core::Uuid::Bytes b{};
        b[12] = static_cast<std::uint8_t>(n >> 16);
        b[13] = static_cast<std::uint8_t>(n >> 8);
        b[14] = static_cast<std::uint8_t>(n);
        records.push_back({core::Uuid{b}, static_cast<std::uint64_t>(n) * 7});
        if (records.size() == 2500) {
            store->commit(cp, records);
            records.clear();
        }
    }
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    auto cursor = store->acknowledged_fingerprints(std::nullopt);
    for (int n = 1; n <= 25'000; n += 997) {
        core::Uuid::Bytes b{};
        b[12] = static_cast<std::uint8_t>(n >> 16);
        b[13] = static_cast<std::uint8_t>(n >> 8);
        b[14] = static_cast<std::uint8_t>(n);
        EXPECT_EQ(cursor->find(core::Uuid{b}), static_cast<std::uint64_t>(n) * 7) << n;
    }
}

TEST_P(StateStore, OneRunAtATimePerJobAndShard) {
    Location where(GetParam());
    auto first = open(where.url());
    try {
        open(where.url());
        FAIL() << "a second run got the lock";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.kind(), core::ErrorKind::Locked);
        EXPECT_THAT(e.what(), HasSubstr("another snapshot-sync run holds the checkpoint of job 'snapshot-sync' shard 0/1"));
    }
    EXPECT_NO_THROW(open(where.url(), {1, 2}));  // another shard is free
    auto reader = open(where.url(), {}, checkpoint::Access::ReadOnly);  // read-only takes no lock
    EXPECT_FALSE(reader->load());
    first.reset();
    EXPECT_NO_THROW(open(where.url()));
}

// A real run keeps its checkpoint in the database, is killed, and resumes from it.
TEST_P(StateStore, AKilledRunResumesFromTheDatabaseCheckpoint) {
    Location where(GetParam());
    TempDir dir;
    ASSERT_EQ(run_snapshot_sync({"demo-db", dir.file("f.db"), "--accounts", "1500", "--seed", "3", "--now",
                                 "2026-11-20T08:00:00Z"},
                                {})
                  .exit_code,
              0);
    FakeSegment segment({"--script", "slow=150x100000"});  // a run of about 2 s
    write_text(dir.file("c.toml"), "[database]\nurl = \"sqlite:" + dir.file("f.db") + "\"\n[segment]\nhost = \"" +
                                       segment.url() + "\"\nmessages_per_second = 0\nbatch_size = 50\n");
    const std::map<std::string, std::string> env{{"SEGMENT_WRITE_KEY", "k"}, {"SNAPSHOT_SYNC_CHECKPOINT", where.url()}};
    {
        ProcessOptions options;
        options.args = {snapshot_sync_binary(), "run", "--config", dir.file("c.toml"), "--as-of", "2026-11-20T08:00:00Z"};
        options.env = env;
        ChildProcess child(options);
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        child.kill(SIGKILL);
        child.wait();
    }
    auto peek = open(where.url(), {}, checkpoint::Access::ReadOnly)->load();
    ASSERT_TRUE(peek);
    EXPECT_EQ(peek->state, Checkpoint::State::Running);
    const auto r = run_snapshot_sync({"run", "--config", dir.file("c.toml"), "--as-of", "2026-11-20T08:00:00Z"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("resuming snapshot"));
    const auto dry = run_snapshot_sync({"run", "--dry-run", "--as-of", "2026-11-20T08:00:00Z"},
                                       {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + dir.file("f.db")}});
    std::set<std::string> expected, received;
    for (const auto& line : read_json_lines(dry.out)) expected.insert(line["groupId"]);
    for (const auto& m : segment.messages()) received.insert(m["groupId"]);
    EXPECT_EQ(received, expected);
    EXPECT_EQ(open(where.url(), {}, checkpoint::Access::ReadOnly)->load()->state, Checkpoint::State::Finished);
    // The next day with --changed-only reads the fingerprints back from the tables: nothing changed, nothing sent.
    const auto before = segment.messages().size();
    const auto again = run_snapshot_sync(
        {"run", "--config", dir.file("c.toml"), "--as-of", "2026-11-20T08:00:00Z", "--changed-only"}, env);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(segment.messages().size(), before);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& param) {
    return param.param == Backend::Sqlite ? "sqlite" : param.param == Backend::Postgresql ? "postgresql" : "mysql";
}

INSTANTIATE_TEST_SUITE_P(Backends, StateStore, ::testing::Values(Backend::Sqlite, Backend::Postgresql, Backend::Mysql),
                         backend_name);

}  // namespace
}  // namespace ss::test
