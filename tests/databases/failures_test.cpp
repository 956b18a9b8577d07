// What the job does when the database fails it, on PostgreSQL and MariaDB:
// a clear one-line error naming the server and what failed (exit 5), a
// reconnect after a lost connection, a checkpoint that survives a server
// killed for good. The database password never shows in any output.

#include "servers.hpp"

#include "support/fake_segment.hpp"

#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ss::test {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* k_now = "2026-11-20T08:00:00Z";
constexpr const char* k_password = "app_pw";  // services.sh's test password
constexpr int k_database_failed = 5;

class DatabaseFailure : public ::testing::TestWithParam<Server> {};

std::string host_port(const std::string& url) {
    const auto at = url.find('@') + 1;
    return url.substr(at, url.rfind('/') - at);
}

void expect_no_secret(const ProcessResult& r, const std::string& secret, const std::string& report = "") {
    EXPECT_THAT(r.out, Not(HasSubstr(secret)));
    EXPECT_THAT(r.err, Not(HasSubstr(secret)));
    EXPECT_THAT(report, Not(HasSubstr(secret)));
}

// The last error line of a failed run names the server and the problem.
void expect_database_failure(const ProcessResult& r, const std::string& url, const std::string& what,
                             const std::string& report = "") {
    EXPECT_EQ(r.exit_code, k_database_failed) << r.err;
    const auto lines = lines_of(r.err);
    ASSERT_FALSE(lines.empty());
    EXPECT_THAT(lines.back(), HasSubstr(host_port(url)));
    EXPECT_THAT(lines.back(), HasSubstr(what));
    expect_no_secret(r, k_password, report);
}

// A dry run that also writes its report (when it gets that far).
struct Outcome {
    ProcessResult result;
    std::string report;
};

Outcome dry_run_with_report(const std::string& url) {
    TempDir dir;
    auto r = dry_run(url, {"--as-of", k_now, "--report", dir.file("report.json")});
    return {std::move(r), read_text(dir.file("report.json"))};
}

TEST_P(DatabaseFailure, ServerDownAtStartExits5WithOneLineNamingHostAndPort) {
    server_url(GetParam());  // the environment must be complete even for this one
    const std::string scheme = GetParam() == Server::Postgresql ? "postgresql" : "mysql";
    const int port = free_port();
    const std::string url = fmt::format("{}://app:{}@127.0.0.1:{}/appdb", scheme, k_password, port);
    const auto [r, report] = dry_run_with_report(url);
    EXPECT_EQ(r.exit_code, k_database_failed) << r.err;
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_THAT(lines[0], HasSubstr(fmt::format("127.0.0.1:{}", port)));
    EXPECT_THAT(lines[0], HasSubstr("cannot connect"));
    EXPECT_TRUE(r.out.empty());
    expect_no_secret(r, k_password, report);
}

TEST_P(DatabaseFailure, MissingTableExits5NamingTheTable) {
    ScratchDatabase database(GetParam());
    load_demo(database.url(), 30, 3, k_now);
    database.exec({"DROP TABLE webhooks"});
    const auto [r, report] = dry_run_with_report(database.url());
    expect_database_failure(r, database.url(), "webhooks", report);
    const auto validate = run_snapshot_sync({"validate"}, {{"SNAPSHOT_SYNC_DATABASE_URL", database.url()},
                                                           {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_NE(validate.exit_code, 0);
    EXPECT_THAT(validate.out + validate.err, HasSubstr("webhooks"));
}

TEST_P(DatabaseFailure, MissingColumnExits5NamingTheColumn) {
    ScratchDatabase database(GetParam());
    load_demo(database.url(), 30, 3, k_now);
    database.exec({"ALTER TABLE storage_entries DROP COLUMN delta"});
    const auto [r, report] = dry_run_with_report(database.url());
    expect_database_failure(r, database.url(), "delta", report);
    const auto validate = run_snapshot_sync({"validate"}, {{"SNAPSHOT_SYNC_DATABASE_URL", database.url()},
                                                           {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}});
    EXPECT_NE(validate.exit_code, 0);
    EXPECT_THAT(validate.out + validate.err, HasSubstr("storage_entries.delta"));
}

TEST_P(DatabaseFailure, PermissionDeniedExits5) {
    ScratchDatabase database(GetParam());
    load_demo(database.url(), 30, 3, k_now);
    const std::string password = "noread_Pw_7781";
    const std::string url = database.create_user_without_select(password);
    const auto [r, report] = dry_run_with_report(url);
    expect_database_failure(r, url, "denied", report);
    expect_no_secret(r, password, report);
}

// A run sending to the fake Segment endpoint at a measured pace, so that it
// is still reading chunks when the test interferes.
class SlowRun {
public:
    SlowRun(const std::string& url, const FakeSegment& segment, const TempDir& dir) : m_dir(dir) {
        std::ostringstream toml;
        toml << "[database]\nurl = \"" << url << "\"\nchunk_size = 5\nreconnect_attempts = 2\n"
             << "[segment]\nhost = \"" << segment.url() << "\"\nbatch_size = 20\nmessages_per_second = 400\n"
             << "[checkpoint]\nlocation = \"" << checkpoint() << "\"\n";
        write_text(dir.file("config.toml"), toml.str());
    }

    std::string checkpoint() const { return m_dir.file("state/checkpoint.json"); }
    std::string report() const { return m_dir.file("report.json"); }

    ProcessOptions options() const {
        ProcessOptions options;
        options.args = {snapshot_sync_binary(), "run", "--config", m_dir.file("config.toml"), "--as-of", k_now,
                        "--report", report()};
        options.env = {{"SEGMENT_WRITE_KEY", "wk_databases_test"}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}};
        options.timeout = std::chrono::seconds(300);
        return options;
    }

private:
    const TempDir& m_dir;
};

void wait_for_messages(const FakeSegment& segment, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (segment.messages().size() < count) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the run sent nothing";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::set<std::string> group_ids_of(const std::vector<Json>& messages) {
    std::set<std::string> ids;
    for (const auto& m : messages) ids.insert(m.at("groupId").get<std::string>());
    return ids;
}

std::set<std::string> expected_group_ids(const std::string& url) {
    const auto r = dry_run(url, {"--as-of", k_now});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> ids;
    for (const auto& line : lines_of(r.out)) ids.insert(Json::parse(line).at("groupId").get<std::string>());
    return ids;
}

TEST_P(DatabaseFailure, ConnectionLostMidRunReconnectsAndDeliversEveryAccount) {
    ScratchDatabase database(GetParam());
    load_demo(database.url(), 600, 5, k_now);
    const auto expected = expected_group_ids(database.url());
    ASSERT_GT(expected.size(), 500u);

    TempDir dir;
    FakeSegment segment;
    SlowRun run(database.url(), segment, dir);
    ChildProcess child(run.options());
    wait_for_messages(segment, 1);
    ASSERT_FALSE(child.finished()) << "the run ended before its connection could be cut";
    EXPECT_GE(database.terminate_sessions(), 1);
    const auto r = child.wait();

    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("reconnecting"));
    EXPECT_EQ(group_ids_of(segment.messages()), expected);
    expect_no_secret(r, k_password, read_text(run.report()));
}

TEST_P(DatabaseFailure, ServerKilledForGoodExits5KeepsTheCheckpointAndARerunCompletes) {
    server_url(GetParam());
    PrivateServer server(GetParam());
    ScratchDatabase database(GetParam(), server.url());
    load_demo(database.url(), 600, 5, k_now);
    const auto expected = expected_group_ids(database.url());

    TempDir dir;
    FakeSegment segment;
    SlowRun run(database.url(), segment, dir);
    {
        ChildProcess child(run.options());
        wait_for_messages(segment, 1);
        ASSERT_FALSE(child.finished()) << "the run ended before the server could be killed";
        server.kill();
        const auto r = child.wait();
        expect_database_failure(r, database.url(), "");
        expect_no_secret(r, k_password, read_text(run.report()));
    }
    const auto checkpoint = Json::parse(read_text(run.checkpoint()));
    EXPECT_EQ(checkpoint["state"], "running");
    const auto delivered_before = group_ids_of(segment.messages());
    EXPECT_LT(delivered_before.size(), expected.size());

    server.restart();
    const auto rerun = run_process(run.options());
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_THAT(rerun.err, HasSubstr("resuming"));
    EXPECT_EQ(group_ids_of(segment.messages()), expected) << "an account was lost across the crash";
    EXPECT_EQ(Json::parse(read_text(run.checkpoint()))["state"], "finished");
    expect_no_secret(rerun, k_password, read_text(run.report()));
}

TEST_P(DatabaseFailure, PasswordFromAFileConnectsAndNeverShows) {
    ScratchDatabase database(GetParam());
    load_demo(database.url(), 30, 3, k_now);
    TempDir dir;
    write_text(dir.file("password"), std::string(k_password) + "\n");
    const std::string url = with_credentials(database.url(), "app", "");
    const auto r = dry_run(url, {"--as-of", k_now, "--report", dir.file("report.json")},
                           {{"SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE", dir.file("password")}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(lines_of(r.out).empty());
    expect_no_secret(r, k_password, read_text(dir.file("report.json")));

    // The wrong password from the file: refused, and still never shown.
    write_text(dir.file("password"), "Wrong_pw_5521\n");
    const auto refused = dry_run(url, {"--as-of", k_now},
                                 {{"SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE", dir.file("password")}});
    expect_database_failure(refused, url, "cannot connect");
    expect_no_secret(refused, "Wrong_pw_5521");
}

INSTANTIATE_TEST_SUITE_P(Databases, DatabaseFailure, ::testing::Values(Server::Postgresql, Server::Mysql),
                         [](const auto& test) { return server_name(test.param); });

}  // namespace
}  // namespace ss::test
