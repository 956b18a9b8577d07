// Metrics at the end of every run: a node_exporter textfile, and a real
// Prometheus Pushgateway (Debian's prometheus-pushgateway, started here on
// 127.0.0.1).

#include "harness.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <thread>

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* k_pushgateway = "/usr/bin/prometheus-pushgateway";

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// The value of a metric with the given labels in exposition text; NaN when absent.
double metric(const std::string& text, const std::string& name, const std::string& labels_regex) {
    const std::regex line("^" + name + "\\{[^}]*" + labels_regex + "[^}]*\\} ([-0-9.e+]+)$", std::regex::multiline);
    std::smatch m;
    if (!std::regex_search(text, m, line)) return std::nan("");
    return std::stod(m[1]);
}

class Pushgateway {
public:
    Pushgateway() : m_port(free_port()) {
        if (!std::filesystem::exists(k_pushgateway)) {
            throw std::runtime_error(std::string(k_pushgateway) + " is missing: apt-get install prometheus-pushgateway");
        }
        ProcessOptions options;
        options.args = {k_pushgateway, "--web.listen-address=127.0.0.1:" + std::to_string(m_port)};
        options.timeout = std::chrono::seconds(600);
        m_process = std::make_unique<ChildProcess>(options);
        httplib::Client client("127.0.0.1", m_port);
        for (int i = 0; i < 200; ++i) {
            if (auto r = client.Get("/-/ready"); r && r->status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        throw std::runtime_error("pushgateway did not become ready: " + m_process->wait().err);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::string metrics() const {
        httplib::Client client("127.0.0.1", m_port);
        auto r = client.Get("/metrics");
        return r ? r->body : "";
    }

private:
    int m_port;
    std::unique_ptr<ChildProcess> m_process;
};

TEST(Metrics, TextfileAfterASuccessAndAfterAFailure) {
    Scenario s(200);
    const std::string textfile = s.file("snapshot_sync.prom");
    {
        FakeSegment segment;
        s.configure(segment.url(), "[metrics]\ntextfile = \"" + textfile + "\"\n");
        ASSERT_EQ(s.run().exit_code, 0);
    }
    const std::string ok = read_text(textfile);
    const double sent = metric(ok, "snapshot_sync_accounts_sent", "shard=\"0-of-1\"");
    EXPECT_EQ(sent, static_cast<double>(parse_lines(s.dry_run().out).size()));
    EXPECT_EQ(metric(ok, "snapshot_sync_last_run_exit_status", ""), 0);
    const double success = metric(ok, "snapshot_sync_last_success_timestamp_seconds", "");
    EXPECT_GT(success, 1.7e9);
    EXPECT_GT(metric(ok, "snapshot_sync_bytes_sent", ""), 0);
    EXPECT_EQ(metric(ok, "snapshot_sync_accounts_eligible", ""), sent);

    // Segment down: the run fails, the metrics say so, the last success stays.
    s.configure("http://127.0.0.1:9", "[metrics]\ntextfile = \"" + textfile + "\"\n");
    EXPECT_EQ(s.run({"--restart"}).exit_code, 4);
    const std::string failed = read_text(textfile);
    EXPECT_EQ(metric(failed, "snapshot_sync_last_run_exit_status", ""), 4);
    EXPECT_EQ(metric(failed, "snapshot_sync_last_success_timestamp_seconds", ""), success);
    EXPECT_EQ(metric(failed, "snapshot_sync_accounts_sent", ""), 0);

    // A run that cannot even start (bad database) still writes its status.
    write_text(s.file("config.toml"), "[database]\nurl = \"sqlite:" + s.file("missing.db") +
                                          "\"\n[metrics]\ntextfile = \"" + textfile + "\"\n[checkpoint]\nlocation = \"" +
                                          s.checkpoint_path() + "\"\n");
    EXPECT_EQ(s.run().exit_code, 5);
    EXPECT_EQ(metric(read_text(textfile), "snapshot_sync_last_run_exit_status", ""), 5);
    EXPECT_EQ(metric(read_text(textfile), "snapshot_sync_last_success_timestamp_seconds", ""), success);
}

TEST(Metrics, PushedToARealPushgatewayByJobAndShard) {
    Pushgateway gateway;
    Scenario s(300);
    FakeSegment segment;
    s.configure(segment.url());
    for (const std::string shard : {"0/2", "1/2"}) {
        const auto r = s.run({"--shard", shard, "--pushgateway", gateway.url()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string text = gateway.metrics();
    const double a = metric(text, "snapshot_sync_accounts_sent", "job=\"snapshot-sync\".*shard=\"0-of-2\"");
    const double b = metric(text, "snapshot_sync_accounts_sent", "job=\"snapshot-sync\".*shard=\"1-of-2\"");
    EXPECT_EQ(a + b, static_cast<double>(parse_lines(s.dry_run().out).size()));
    EXPECT_GT(a, 0);
    EXPECT_GT(b, 0);
    const double success = metric(text, "snapshot_sync_last_success_timestamp_seconds", "shard=\"0-of-2\"");
    EXPECT_GT(success, 1.7e9);

    // A failed run of shard 0 replaces its status but not its last success.
    s.configure("http://127.0.0.1:9");
    EXPECT_EQ(s.run({"--shard", "0/2", "--restart", "--pushgateway", gateway.url()}).exit_code, 4);
    const std::string after = gateway.metrics();
    EXPECT_EQ(metric(after, "snapshot_sync_last_run_exit_status", "shard=\"0-of-2\""), 4);
    EXPECT_EQ(metric(after, "snapshot_sync_last_success_timestamp_seconds", "shard=\"0-of-2\""), success);
    EXPECT_EQ(metric(after, "snapshot_sync_last_run_exit_status", "shard=\"1-of-2\""), 0);
}

TEST(Metrics, AnUnreachablePushgatewayIsAWarningNotAFailure) {
    Scenario s(50);
    FakeSegment segment;
    s.configure(segment.url());
    const auto r = s.run({"--pushgateway", "http://127.0.0.1:9"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr("pushgateway http://127.0.0.1:9"));
}

}  // namespace
}  // namespace ss::test
