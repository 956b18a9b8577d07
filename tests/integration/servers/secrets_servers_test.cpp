// The write key and the database password never appear in any output, on
// PostgreSQL and MariaDB (secrets_test.cpp does the write key on SQLite):
// the job runs with a known write key and the server's known password —
// given in the URL and through SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE, and
// with the checkpoint kept in the database itself — through success, every
// sink fault, database failures, bad input, SIGTERM, a held lock, the dry
// run, `config` and `validate`, with --report, --metrics-textfile and debug
// logs; neither string is in stdout, stderr, the report, the metrics file
// or the checkpoint.
//
// Needs the servers of scripts/services.sh (label databases): a test whose
// server URL is not set fails, it is never skipped.

#include "databases/servers.hpp"
#include "integration/harness.hpp"

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr const char* k_db_password = "app_pw";  // the password scripts/services.sh gives the app user

class SecretsOnServers : public ::testing::TestWithParam<Server> {
protected:
    void SetUp() override {
        m_database = std::make_unique<ScratchDatabase>(GetParam());
        load_demo(m_database->url(), 200, 5, k_now);
        ASSERT_THAT(m_database->url(), HasSubstr(std::string(":") + k_db_password + "@"));
        write_text(dir.file("password"), std::string(k_db_password) + "\n");
    }

    // The database URL with the password in it, or without (then the password file gives it).
    std::string url(bool password_in_url) const {
        return password_in_url ? m_database->url() : with_credentials(m_database->url(), "app", "");
    }

    void configure(const std::string& database_url, const std::string& host, const std::string& extra = "") {
        write_text(dir.file("config.toml"),
                   "[database]\nurl = \"" + database_url + "\"\n[segment]\nhost = \"" + host +
                       "\"\nmessages_per_second = 0\nbatch_size = 50\nbackoff_initial = 0.01\nbackoff_max = 0.05\n"
                       "max_retries = 3\nrequest_timeout = 1\n" + extra + "\n[checkpoint]\nlocation = \"" +
                       m_checkpoint + "\"\n");
    }

    std::map<std::string, std::string> env(bool password_file) const {
        std::map<std::string, std::string> e{{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_LOG_FORMAT", "json"}};
        if (password_file) e["SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE"] = dir.file("password");
        return e;
    }

    std::vector<std::string> run_args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"run", "--config", dir.file("config.toml"), "--as-of", k_now, "--log-level",
                                      "debug", "--report", dir.file("report.json"), "--metrics-textfile",
                                      dir.file("metrics.prom")};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    // Runs the binary and keeps everything it wrote for the final check.
    ProcessResult run(const std::string& what, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& environment) {
        std::filesystem::remove(dir.file("report.json"));
        std::filesystem::remove(dir.file("metrics.prom"));
        const auto r = run_snapshot_sync(args, environment);
        collect(what, r);
        return r;
    }

    void collect(const std::string& what, const ProcessResult& r) {
        m_outputs.push_back({what + ": stdout", r.out});
        m_outputs.push_back({what + ": stderr", r.err});
        for (const auto& file : {"report.json", "metrics.prom"}) {
            if (std::filesystem::exists(dir.file(file))) m_outputs.push_back({what + ": " + file, read_text(dir.file(file))});
        }
        if (std::filesystem::exists(m_checkpoint)) m_outputs.push_back({what + ": checkpoint", read_text(m_checkpoint)});
    }

    void expect_no_secret_anywhere() const {
        ASSERT_GT(m_outputs.size(), 40u);
        std::size_t redacted = 0;
        for (const auto& [what, text] : m_outputs) {
            EXPECT_THAT(text, Not(HasSubstr(k_db_password))) << what;
            EXPECT_THAT(text, Not(HasSubstr(k_write_key))) << what;
            redacted += text.find("app:****@") != std::string::npos;
        }
        // The URLs with the password were printed (logs, report, checkpoint), redacted.
        EXPECT_GT(redacted, 10u);
    }

    TempDir dir;
    std::unique_ptr<ScratchDatabase> m_database;
    std::string m_checkpoint = dir.file("state/checkpoint.json");
    std::vector<std::pair<std::string, std::string>> m_outputs;
};

TEST_P(SecretsOnServers, NeitherTheWriteKeyNorTheDatabasePasswordAppearsInAnyOutput) {
    for (const bool in_url : {true, false}) {
        SCOPED_TRACE(in_url ? "password in the URL" : "password from SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE");
        const std::string db_url = url(in_url);
        const auto e = env(!in_url);
        std::filesystem::remove_all(dir.file("state"));
        {
            // Success, with faults on the way that make it log each retry.
            FakeSegment segment({"--script", "503x2,429:ra=0,reset,rst,garbage", "--write-key", k_write_key});
            configure(db_url, segment.url());
            const auto r = run("success", run_args(), e);
            ASSERT_EQ(r.exit_code, 0) << r.err;
            EXPECT_EQ(segment.requests().front()["auth"], "ok");
        }
        {
            FakeSegment storm({"--script", "503x100"});
            configure(db_url, storm.url());
            EXPECT_EQ(run("503 storm", run_args({"--restart"}), e).exit_code, 4);
        }
        {
            FakeSegment hanging({"--script", "hang=5x100"});
            configure(db_url, hanging.url());
            EXPECT_EQ(run("timeouts", run_args(), e).exit_code, 4);
        }
        {
            FakeSegment wrong_key({"--write-key", "another-key"});
            configure(db_url, wrong_key.url());
            EXPECT_EQ(run("401", run_args(), e).exit_code, 4);
        }
        configure(db_url, "http://127.0.0.1:9");
        EXPECT_EQ(run("unreachable Segment", run_args(), e).exit_code, 4);
        {
            const auto poison = parse_lines(run("dry run", {"run", "--dry-run", "--config", dir.file("config.toml"), "--as-of",
                                                            k_now, "--report", dir.file("report.json"),
                                                            "--metrics-textfile", dir.file("metrics.prom")},
                                                e)
                                                .out)
                                    .at(17)["groupId"]
                                    .get<std::string>();
            FakeSegment segment({"--poison", poison});
            configure(db_url, segment.url());
            EXPECT_EQ(run("poison", run_args(), e).exit_code, 3);
        }
        {
            // SIGTERM while sending, then a second run while the first holds the lock.
            FakeSegment slow({"--script", "slow=300x1000"});
            configure(db_url, slow.url(), "in_flight = 1");
            ProcessOptions options;
            options.args = {snapshot_sync_binary()};
            const auto args = run_args({"--restart"});
            options.args.insert(options.args.end(), args.begin(), args.end());
            options.env = e;
            ChildProcess child(options);
            std::this_thread::sleep_for(std::chrono::milliseconds(1200));
            ASSERT_FALSE(child.finished());
            EXPECT_EQ(run("locked", run_args(), e).exit_code, 7);
            child.kill(SIGTERM);
            const auto r = child.wait();
            EXPECT_EQ(r.exit_code, 6) << r.err;
            collect("SIGTERM", r);
        }
        // Bad input: a corrupt checkpoint, an unknown key, no write key.
        const std::string saved = read_text(m_checkpoint);
        write_text(m_checkpoint, "{\"version\": 1");
        EXPECT_EQ(run("corrupt checkpoint", run_args(), e).exit_code, 2);
        write_text(m_checkpoint, saved);
        configure(db_url, "http://127.0.0.1:9", "batchsize = 3");
        EXPECT_EQ(run("unknown key", run_args(), e).exit_code, 2);
        configure(db_url, "http://127.0.0.1:9");
        auto no_key = e;
        no_key.erase("SEGMENT_WRITE_KEY");
        EXPECT_EQ(run("no write key", run_args(), no_key).exit_code, 2);
        EXPECT_EQ(run("config", {"config", "--config", dir.file("config.toml")}, e).exit_code, 0);
        run("validate", {"validate", "--config", dir.file("config.toml")}, e);
        // The checkpoint kept in the database itself, through the URL with the password.
        {
            FakeSegment segment;
            configure(db_url, segment.url());
            auto in_db = e;
            in_db["SNAPSHOT_SYNC_CHECKPOINT"] = m_database->url();
            EXPECT_EQ(run("checkpoint in the database", run_args(), in_db).exit_code, 0);
        }
    }
    // Database failures: the server unreachable, a wrong password, a missing table.
    {
        const std::string closed = fmt::format("{}://app:{}@127.0.0.1:{}/appdb",
                                               GetParam() == Server::Postgresql ? "postgresql" : "mysql", k_db_password,
                                               free_port());
        configure(closed, "http://127.0.0.1:9");
        EXPECT_EQ(run("database down", run_args(), env(false)).exit_code, 5);
        write_text(dir.file("password"), "Wrong_pw_7731\n");
        configure(url(false), "http://127.0.0.1:9");
        const auto refused = run("wrong password", run_args(), env(true));
        EXPECT_EQ(refused.exit_code, 5);
        EXPECT_THAT(refused.err, Not(HasSubstr("Wrong_pw_7731")));
        m_database->exec({"DROP TABLE webhooks"});
        configure(url(true), "http://127.0.0.1:9");
        EXPECT_EQ(run("missing table", run_args({"--restart"}), env(false)).exit_code, 5);
    }
    expect_no_secret_anywhere();
}

INSTANTIATE_TEST_SUITE_P(Servers, SecretsOnServers, ::testing::Values(Server::Postgresql, Server::Mysql),
                         [](const auto& test) { return server_name(test.param); });

}  // namespace
}  // namespace ss::test
