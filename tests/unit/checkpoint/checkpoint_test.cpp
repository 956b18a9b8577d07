#include "checkpoint/checkpoint.hpp"

#include "checkpoint/file_store.hpp"
#include "checkpoint/store.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>

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
    store->save(sample());
    EXPECT_EQ(store->load(), sample());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // No temporary file is left behind.
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("state"))) {
        EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr(".tmp.")));
    }
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
