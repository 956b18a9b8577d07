// PostgreSQL's parallel reads (database.parallel_reads): the connections that
// read chunks ahead join the snapshot of the run's first connection, so what
// commits after the snapshot began is invisible to every chunk, and the rows
// are exactly those one connection reads.

#include "servers.hpp"

#include "config/database_url.hpp"
#include "db/postgresql.hpp"
#include "source/registry.hpp"

#include <gtest/gtest.h>

namespace ss::test {
namespace {

constexpr const char* k_now = "2026-11-20T08:00:00Z";

config::DatabaseUrl parse(const std::string& url) { return config::DatabaseUrl::parse(url, "test"); }

TEST(PostgresqlWrapper, AJoinedSnapshotSeesWhatTheExporterSeesNotLaterCommits) {
    ScratchDatabase database(Server::Postgresql);
    db::PgConnection owner(parse(database.url()), {});
    db::PgConnection joiner(parse(database.url()), {});
    db::PgConnection writer(parse(database.url()), {});
    writer.exec("CREATE TABLE t (id integer)");
    writer.exec("INSERT INTO t VALUES (1)");
    owner.begin(db::PgTransactionKind::ReadOnlySnapshot);
    const auto snapshot = owner.export_snapshot();
    writer.exec("INSERT INTO t VALUES (2)");
    joiner.begin(db::PgTransactionKind::ReadOnlySnapshot);
    joiner.join_snapshot(snapshot);
    EXPECT_EQ(joiner.query("SELECT count(*) FROM t").row(0).integer(0), 1) << "the joined snapshot is a newer one";
    joiner.commit();
    owner.commit();
    EXPECT_EQ(joiner.query("SELECT count(*) FROM t").row(0).integer(0), 2);
}

// Every chunk after `after`, `limit` at a time, as the pipeline's reader asks.
std::vector<source::AccountRow> read_rest(source::AccountSource& source, const source::SnapshotQuery& query,
                                          core::Uuid after, std::size_t limit) {
    std::vector<source::AccountRow> rows;
    for (;;) {
        const auto chunk = source.read_chunk(query, after, limit);
        rows.insert(rows.end(), chunk.begin(), chunk.end());
        if (chunk.size() < limit) return rows;
        after = chunk.back().id;
    }
}

std::unique_ptr<source::AccountSource> open(const ScratchDatabase& database, int parallel_reads) {
    source::SourceOptions options;
    options.parallel_reads = parallel_reads;
    return source::open_source(parse(database.url()), options);
}

TEST(ParallelReads, ChunksReadAheadSeeTheRunsSnapshotAndEqualOneConnectionsRows) {
    ScratchDatabase database(Server::Postgresql);
    load_demo(database.url(), 400, 11, k_now);
    source::SnapshotQuery query;
    query.as_of = *core::parse_iso8601(k_now);
    query.read_plans = true;
    constexpr std::size_t k_limit = 16;  // about 20 chunks, 3 read ahead at a time

    auto single = open(database, 1);
    single->begin_snapshot();
    const auto expected = read_rest(*single, query, core::Uuid{}, k_limit);
    single->end_snapshot();
    ASSERT_GT(expected.size(), 10 * k_limit);

    auto parallel = open(database, 3);
    parallel->begin_snapshot();
    // Commits after the snapshot began, before any chunk was read: no chunk may see them
    // (a reader that took a snapshot of its own at its first query would).
    database.exec({"UPDATE accounts SET cards_count = cards_count + 1000", "DELETE FROM webhooks",
                   "INSERT INTO account_cancellations (id, account_id, created_at, updated_at, initiated_by_id) "
                   "SELECT gen_random_uuid(), id, now(), now(), id FROM accounts "
                   "WHERE id NOT IN (SELECT account_id FROM account_cancellations)"});
    const auto rows = read_rest(*parallel, query, core::Uuid{}, k_limit);
    parallel->end_snapshot();
    EXPECT_EQ(rows.size(), expected.size());
    EXPECT_TRUE(rows == expected) << "the chunks read ahead saw another snapshot";

    // The change was real: a new snapshot sees it (every account is now cancelled).
    auto after_change = open(database, 3);
    after_change->begin_snapshot();
    EXPECT_TRUE(read_rest(*after_change, query, core::Uuid{}, k_limit).empty());
    after_change->end_snapshot();
}

// A resume or a retry asks for a chunk other than the one read ahead: it is
// read from there, and the rows are the same.
TEST(ParallelReads, AskingForAnotherChunkThanTheOneReadAheadStartsAgainFromThere) {
    ScratchDatabase database(Server::Postgresql);
    load_demo(database.url(), 200, 12, k_now);
    source::SnapshotQuery query;
    query.as_of = *core::parse_iso8601(k_now);
    auto single = open(database, 1);
    single->begin_snapshot();
    const auto expected = read_rest(*single, query, core::Uuid{}, 10);
    single->end_snapshot();
    ASSERT_GT(expected.size(), 60u);

    auto parallel = open(database, 2);
    parallel->begin_snapshot();
    const auto first = parallel->read_chunk(query, core::Uuid{}, 10);
    ASSERT_EQ(first.size(), 10u);
    // Skip ahead (as a resume after a checkpoint's watermark would), then back.
    const auto skipped = read_rest(*parallel, query, expected[49].id, 10);
    EXPECT_TRUE(std::vector(expected.begin() + 50, expected.end()) == skipped);
    const auto again = parallel->read_chunk(query, expected[4].id, 7);
    EXPECT_TRUE(std::vector(expected.begin() + 5, expected.begin() + 12) == again);
    parallel->end_snapshot();
}

}  // namespace
}  // namespace ss::test
