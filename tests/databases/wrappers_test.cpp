// db/postgresql and db/mysql against the real servers: parameters and NULLs,
// transactions (a read-only snapshot refuses writes and does not see later
// commits), COPY and streaming, byte-exact text, and how failures are
// classified (ConnectionLost only when the connection is gone). Plus the two
// pure helpers, :name rewriting and one-line messages.

#include "servers.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "db/mysql.hpp"
#include "db/postgresql.hpp"

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::DatabaseUrl parse(const std::string& url) { return config::DatabaseUrl::parse(url, "test"); }

// Text no escaping layer may change: tab, newline, backslash, quote, COPY's
// NULL marker as text, 4-byte UTF-8.
const std::string k_awkward = "a\tb\nc\\d'e\\N \xF0\x9F\x9A\x80";

template <typename Body>
core::Error caught(Body&& body) {
    try {
        body();
    } catch (const core::Error& e) {
        return e;
    }
    ADD_FAILURE() << "no core::Error thrown";
    return core::Error(core::ErrorKind::Internal, "");
}

TEST(NamedParameters, RewritesNamesAndLeavesQuotesCommentsAndCastsAlone) {
    const auto r = db::rewrite_named_parameters(
        "SELECT ':no', \":no\", `:no` -- :no\n, x::text, @v := 1 /* :no */ FROM t WHERE a = :a AND b = :b_2 OR c = :a");
    EXPECT_EQ(r.sql,
              "SELECT ':no', \":no\", `:no` -- :no\n, x::text, @v := 1 /* :no */ FROM t WHERE a = ? AND b = ? OR c = ?");
    EXPECT_THAT(r.names, ElementsAre("a", "b_2", "a"));
    EXPECT_EQ(db::rewrite_named_parameters("SELECT 'it''s :no', 'x\\':no'").names.size(), 0u);
}

TEST(OneLine, DropsTheStatementExcerptAndJoinsLines) {
    EXPECT_EQ(db::one_line("ERROR:  relation \"boards\" does not exist\nLINE 3:   FROM boards AS b\n"
                           "                ^\nHINT:  Perhaps you meant \"board\".\n"),
              "relation \"boards\" does not exist; HINT: Perhaps you meant \"board\".");
    EXPECT_EQ(db::one_line("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
                           "\tIs the server running on that host and accepting TCP/IP connections?\n"),
              "connection to server at \"127.0.0.1\", port 1 failed: Connection refused; "
              "Is the server running on that host and accepting TCP/IP connections?");
}

TEST(PostgresqlWrapper, ParametersNullsCopyAndByteExactText) {
    ScratchDatabase database(Server::Postgresql);
    db::PgConnection connection(parse(database.url()), {});
    connection.exec("CREATE TABLE t (id integer, body text, flag boolean)");
    {
        auto copy = connection.copy_in("t", {"id", "body", "flag"});
        copy.add_row({"1", k_awkward, "t"});
        copy.add_row({"2", std::nullopt, std::nullopt});
        copy.complete();
    }
    const auto result = connection.query("SELECT id, body, flag FROM t WHERE id >= $1 ORDER BY id", {"1"});
    ASSERT_EQ(result.size(), 2u);
    EXPECT_EQ(result.row(0).integer(0), 1);
    EXPECT_EQ(result.row(0).text(1), k_awkward);
    EXPECT_TRUE(result.row(0).boolean(2));
    EXPECT_TRUE(result.row(1).is_null(1));
    EXPECT_EQ(result.row(1).optional_integer(2), std::nullopt);
    EXPECT_EQ(connection.query("SELECT count(*) FROM t WHERE body IS NOT DISTINCT FROM $1", {std::nullopt})
                  .row(0)
                  .integer(0),
              1);
    EXPECT_TRUE(connection.has_table("t"));
    EXPECT_TRUE(connection.has_column("t", "flag"));
    EXPECT_FALSE(connection.has_column("t", "nope"));
    EXPECT_FALSE(connection.has_table("nope"));
    // Sessions are UTC whatever the server's zone.
    EXPECT_EQ(connection.query("SHOW TimeZone").row(0).text(0), "UTC");
}

TEST(PostgresqlWrapper, ReadOnlySnapshotRefusesWritesAndIgnoresLaterCommits) {
    ScratchDatabase database(Server::Postgresql);
    db::PgConnection reader(parse(database.url()), {});
    db::PgConnection writer(parse(database.url()), {});
    writer.exec("CREATE TABLE t (id integer)");
    writer.exec("INSERT INTO t VALUES (1)");
    reader.begin(db::PgTransactionKind::ReadOnlySnapshot);
    EXPECT_EQ(reader.query("SELECT count(*) FROM t").row(0).integer(0), 1);
    writer.exec("INSERT INTO t VALUES (2)");
    EXPECT_EQ(reader.query("SELECT count(*) FROM t").row(0).integer(0), 1) << "the snapshot moved";
    const auto error = caught([&] { reader.exec("INSERT INTO t VALUES (3)"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::Database);
    EXPECT_THAT(error.what(), HasSubstr("read-only"));
    EXPECT_THAT(error.what(), HasSubstr(database.url().substr(database.url().find('@') + 1)));
    reader.rollback();
    EXPECT_EQ(reader.query("SELECT count(*) FROM t").row(0).integer(0), 2);
}

TEST(PostgresqlWrapper, ATerminatedSessionIsConnectionLostAndABadQueryIsNot) {
    ScratchDatabase database(Server::Postgresql);
    db::PgConnection connection(parse(database.url()), {});
    EXPECT_EQ(caught([&] { connection.exec("SELECT * FROM nope"); }).kind(), core::ErrorKind::Database);
    connection.begin(db::PgTransactionKind::ReadOnlySnapshot);
    EXPECT_EQ(database.terminate_sessions(), 1);
    EXPECT_EQ(caught([&] { connection.query("SELECT 1"); }).kind(), core::ErrorKind::ConnectionLost);
    const auto refused =
        caught([&] { db::PgConnection(parse(fmt::format("postgresql://app:x@127.0.0.1:{}/db", free_port())), {}); });
    EXPECT_EQ(refused.kind(), core::ErrorKind::ConnectionLost);
    EXPECT_THAT(refused.what(), HasSubstr("cannot connect"));
}

TEST(MysqlWrapper, NamedParametersNullsStreamingAndByteExactText) {
    ScratchDatabase database(Server::Mysql);
    db::MysqlConnection connection(parse(database.url()), {});
    connection.exec("CREATE TABLE t (id INT, body VARCHAR(100) CHARACTER SET utf8mb4, raw BINARY(4))");
    auto insert = connection.prepare("INSERT INTO t VALUES (:id, :body, UNHEX(:raw))", "insert");
    insert.bind(":id", 1).bind_text(":body", k_awkward).bind_text(":raw", "00FF0001");
    EXPECT_EQ(insert.run(), 1u);
    insert.bind(":id", 2).bind_null(":body").bind_null(":raw");
    EXPECT_EQ(insert.run(), 1u);
    connection.exec("INSERT INTO t SELECT seq + 2, 'x', NULL FROM seq_1_to_5000");

    auto select = connection.prepare("SELECT id, body, raw FROM t WHERE id <= :n OR id = :n ORDER BY id", "select");
    select.bind(":n", 2);
    auto rows = select.query();
    ASSERT_TRUE(rows.next());
    EXPECT_EQ(rows.integer(0), 1);
    EXPECT_EQ(rows.bytes(1), k_awkward);
    EXPECT_EQ(rows.bytes(2), std::string("\x00\xFF\x00\x01", 4));
    ASSERT_TRUE(rows.next());
    EXPECT_EQ(rows.optional_bytes(1), std::nullopt);
    EXPECT_FALSE(rows.next());

    std::int64_t streamed = 0;
    auto all = connection.query("SELECT id FROM t");
    while (all.next()) ++streamed;
    EXPECT_EQ(streamed, 5002);
    EXPECT_TRUE(connection.has_table("t"));
    EXPECT_TRUE(connection.has_column("t", "raw"));
    EXPECT_FALSE(connection.has_column("t", "nope"));
    const auto unbound = caught([&] { connection.prepare("SELECT :a, :b", "pair").bind(":a", 1).query(); });
    EXPECT_THAT(unbound.what(), HasSubstr(":b is not bound"));
}

TEST(MysqlWrapper, ReadOnlySnapshotRefusesWritesAndIgnoresLaterCommits) {
    ScratchDatabase database(Server::Mysql);
    db::MysqlConnection reader(parse(database.url()), {});
    db::MysqlConnection writer(parse(database.url()), {});
    writer.exec("CREATE TABLE t (id INT) ENGINE=InnoDB");
    writer.exec("INSERT INTO t VALUES (1)");
    auto count = [&] {
        auto rows = reader.query("SELECT COUNT(*) FROM t");
        rows.next();
        return rows.integer(0);
    };
    reader.begin(db::MysqlTransactionKind::ReadOnlySnapshot);
    EXPECT_EQ(count(), 1);
    writer.exec("INSERT INTO t VALUES (2)");
    EXPECT_EQ(count(), 1) << "the snapshot moved";
    const auto error = caught([&] { reader.exec("INSERT INTO t VALUES (3)"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::Database);
    EXPECT_THAT(error.what(), HasSubstr("READ ONLY"));
    reader.rollback();
    EXPECT_EQ(count(), 2);
}

TEST(MysqlWrapper, AKilledSessionIsConnectionLostAndABadQueryIsNot) {
    ScratchDatabase database(Server::Mysql);
    db::MysqlConnection connection(parse(database.url()), {});
    EXPECT_EQ(caught([&] { connection.exec("SELECT * FROM nope"); }).kind(), core::ErrorKind::Database);
    EXPECT_EQ(database.terminate_sessions(), 1);
    EXPECT_EQ(caught([&] { connection.exec("SELECT 1"); }).kind(), core::ErrorKind::ConnectionLost);
    const auto refused =
        caught([&] { db::MysqlConnection(parse(fmt::format("mysql://app:x@127.0.0.1:{}/db", free_port())), {}); });
    EXPECT_EQ(refused.kind(), core::ErrorKind::ConnectionLost);
    EXPECT_THAT(refused.what(), HasSubstr("cannot connect"));
}

}  // namespace
}  // namespace ss::test
