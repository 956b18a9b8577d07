#include "checkpoint/checkpoint.hpp"

#include "checkpoint/file_store.hpp"
#include "checkpoint/store.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::checkpoint {
namespace {

using ::testing::HasSubstr;

Checkpoint sample() {
    Checkpoint c;
    c.job = "snapshot-sync";
    c.shard = "0/1";
    c.source = "sqlite:/srv/fizzy.db";
    c.as_of = *core::parse_iso8601("2026-12-03T00:00:00Z");
    c.started_at = *core::parse_iso8601("2026-12-03T00:00:01Z");
    c.updated_at = *core::parse_iso8601("2026-12-03T00:01:00Z");
    c.watermark = core::Uuid::from_hex("01936f1e93b17a2b8c3d4e5f60718293");
    c.counters.sent = 12345;
    c.counters.failed = 2;
    c.counters.batches = 5;
    c.counters.bytes_sent = 999;
    c.last_success_at = *core::parse_iso8601("2026-12-02T00:05:00Z");
    return c;
}

TEST(Checkpoint, RoundTrips) {
    const auto c = sample();
    EXPECT_EQ(parse_checkpoint(serialize(c), "t"), c);
    auto finished = c;
    finished.state = Checkpoint::State::Finished;
    finished.watermark.reset();
    finished.last_success_at.reset();
    EXPECT_EQ(parse_checkpoint(serialize(finished), "t"), finished);
}

TEST(Checkpoint, CorruptionIsAnErrorNotAFreshStart) {
    EXPECT_THROW(parse_checkpoint("", "cp.json"), core::UsageError);
    EXPECT_THROW(parse_checkpoint("{\"version\":1", "cp.json"), core::UsageError);
    std::string text = serialize(sample());
    text.replace(text.find("running"), 7, "walking");
    try {
        parse_checkpoint(text, "cp.json");
        FAIL();
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(), "cp.json: unreadable checkpoint (unknown state 'walking'); fix or move it, or run "
                               "with --restart to start a new snapshot");
    }
    std::string truncated = serialize(sample());
    truncated.resize(truncated.size() / 2);
    EXPECT_THROW(parse_checkpoint(truncated, "cp.json"), core::UsageError);
}

TEST(Checkpoint, RefusesAVersionItDoesNotKnow) {
    std::string text = serialize(sample());
    text.replace(text.find("\"version\": 1"), 12, "\"version\": 2");
    try {
        parse_checkpoint(text, "cp.json");
        FAIL();
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(), "cp.json: checkpoint version 2 is not supported by this snapshot-sync (it reads version 1)");
    }
}

TEST(FileStore, SavesAtomicallyAndPrivately) {
    test::TempDir dir;
    const std::string path = dir.file("state/checkpoint.json");  // the directory is created
    auto store = open_file_store(path);
    EXPECT_FALSE(store->load());
    store->begin(sample(), false);
    EXPECT_EQ(store->load(), sample());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // No temporary file is left behind.
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("state"))) {
        EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr(".tmp.")));
    }
}

core::Uuid id(int n) {
    core::Uuid::Bytes b{};
    b[15] = static_cast<std::uint8_t>(n);
    return core::Uuid{b};
}

std::map<int, std::uint64_t> lookup_all(CheckpointStore& store, int up_to) {
    std::map<int, std::uint64_t> found;
    auto cursor = store.acknowledged_fingerprints(std::nullopt);
    for (int n = 1; n <= up_to; ++n) {
        if (auto fp = cursor->find(id(n))) found[n] = *fp;
    }
    return found;
}

TEST(FileStore, FingerprintsOfAFinishedSnapshotReplaceThePreviousOnes) {
    test::TempDir dir;
    auto store = open_file_store(dir.file("cp.json"));
    auto cp = sample();
    store->begin(cp, false);
    const std::vector<FingerprintRecord> first{{id(1), 11}, {id(2), 22}, {id(3), 33}};
    store->commit(cp, first);
    EXPECT_TRUE(lookup_all(*store, 9).empty());  // nothing acknowledged until the snapshot finishes
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {2, 22}, {3, 33}}));

    // The next snapshot: account 2 is gone (cancelled), 3 changed, 4 is new.
    cp.state = Checkpoint::State::Running;
    store->begin(cp, false);
    const std::vector<FingerprintRecord> second{{id(1), 11}, {id(3), 34}};
    store->commit(cp, second);
    const std::vector<FingerprintRecord> third{{id(4), 44}};
    store->commit(cp, third);
    cp.state = Checkpoint::State::Finished;
    store->finish(cp);
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {3, 34}, {4, 44}}));
    auto after_two = store->acknowledged_fingerprints(id(2));
    EXPECT_FALSE(after_two->find(id(1)));
    EXPECT_EQ(after_two->find(id(4)), 44u);
}

TEST(FileStore, ACrashKeepsOnlyCommittedFingerprints) {
    test::TempDir dir;
    const std::string path = dir.file("cp.json");
    auto cp = sample();
    {
        auto store = open_file_store(path);
        store->begin(cp, false);
        const std::vector<FingerprintRecord> batch{{id(1), 11}, {id(2), 22}};
        store->commit(cp, batch);
    }
    // Records written after the last checkpoint (a batch whose checkpoint never landed).
    test::write_text(path + ".fingerprints.new",
                     test::read_text(path + ".fingerprints.new") + std::string(24, '\x07'));
    auto store = open_file_store(path);
    const auto loaded = store->load();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->fingerprints_recorded, 2);
    store->begin(*loaded, true);
    EXPECT_EQ(std::filesystem::file_size(path + ".fingerprints.new"), 8u + 2 * 24u);
    const std::vector<FingerprintRecord> batch{{id(3), 33}};
    store->commit(*loaded, batch);
    auto finished = *loaded;
    finished.state = Checkpoint::State::Finished;
    store->finish(finished);
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{1, 11}, {2, 22}, {3, 33}}));
}

TEST(FileStore, AFinishInterruptedBeforeTheRenameIsCompletedOnLoad) {
    test::TempDir dir;
    const std::string path = dir.file("cp.json");
    auto cp = sample();
    {
        auto store = open_file_store(path);
        store->begin(cp, false);
        const std::vector<FingerprintRecord> batch{{id(5), 55}};
        store->commit(cp, batch);
    }
    // The finished checkpoint landed; the rename of the fingerprints did not.
    cp.state = Checkpoint::State::Finished;
    cp.fingerprints_recorded = 1;
    test::write_text(path, serialize(cp));
    auto store = open_file_store(path);
    store->load();
    EXPECT_EQ(lookup_all(*store, 9), (std::map<int, std::uint64_t>{{5, 55}}));
}

TEST(FileStore, AForeignFingerprintFileIsAnError) {
    test::TempDir dir;
    test::write_text(dir.file("cp.json.fingerprints"), "hello");
    auto store = open_file_store(dir.file("cp.json"));
    EXPECT_THROW(store->acknowledged_fingerprints(std::nullopt), core::UsageError);
}

TEST(FileStore, ReadOnlyNeitherLocksNorWrites) {
    test::TempDir dir;
    auto writer = open_file_store(dir.file("cp.json"));
    auto reader = open_file_store(dir.file("cp.json"), Access::ReadOnly);  // no "locked" error
    EXPECT_FALSE(reader->load());
    EXPECT_THROW(reader->begin(sample(), false), core::Error);
}

TEST(FileStore, OneRunAtATime) {
    test::TempDir dir;
    auto first = open_file_store(dir.file("cp.json"));
    try {
        open_file_store(dir.file("cp.json"));
        FAIL();
    } catch (const core::Error& e) {
        EXPECT_EQ(e.kind(), core::ErrorKind::Locked);
        EXPECT_THAT(e.what(), HasSubstr("another snapshot-sync run holds this checkpoint"));
    }
    first.reset();
    EXPECT_NO_THROW(open_file_store(dir.file("cp.json")));
}

TEST(FileStore, AnUnreadableFileIsAnError) {
    test::TempDir dir;
    test::write_text(dir.file("cp.json"), "not json");
    auto store = open_file_store(dir.file("cp.json"));
    EXPECT_THROW(store->load(), core::UsageError);
}

TEST(FileStore, EachShardHasItsOwnFile) {
    EXPECT_EQ(shard_file_path("/var/lib/x/checkpoint.json", {}), "/var/lib/x/checkpoint.json");
    EXPECT_EQ(shard_file_path("/var/lib/x/checkpoint.json", {2, 7}), "/var/lib/x/checkpoint.shard-2-of-7.json");
    EXPECT_EQ(shard_file_path("cp", {0, 3}), "cp.shard-0-of-3");
}

}  // namespace
}  // namespace ss::checkpoint
