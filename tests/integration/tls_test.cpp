// TLS verification of the Segment host: on unless segment.tls_verify =
// false is written in the config, and then every run that sends says so
// with a warning. Against the fake endpoint serving HTTPS with a
// self-signed certificate made for the test.

#include "harness.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr const char* k_tls_warning = "segment.tls_verify = false: the Segment host's certificate is NOT checked";

class Tls : public ::testing::Test {
protected:
    void SetUp() override {
        ProcessOptions openssl;
        openssl.args = {"/usr/bin/openssl", "req",      "-x509",         "-newkey", "rsa:2048",
                        "-nodes",           "-keyout",  s.file("key.pem"), "-out",  s.file("cert.pem"),
                        "-days",            "2",        "-subj",         "/CN=127.0.0.1",
                        "-addext",          "subjectAltName=IP:127.0.0.1"};
        const auto r = run_process(openssl);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        segment = std::make_unique<FakeSegment>(
            std::vector<std::string>{"--tls-cert", s.file("cert.pem"), "--tls-key", s.file("key.pem")});
        https_url = "https://127.0.0.1:" + std::to_string(segment->port());
    }

    // The warnings a run logged (JSON lines on stderr).
    static std::vector<std::string> warnings(const std::string& err) {
        std::vector<std::string> out;
        for (const auto& line : parse_lines(err)) {
            if (line.value("level", "") == "warn") out.push_back(line.value("msg", ""));
        }
        return out;
    }

    Scenario s{60};
    std::unique_ptr<FakeSegment> segment;
    std::string https_url;
};

TEST_F(Tls, ASelfSignedCertificateIsRefusedByDefault) {
    s.configure(https_url);
    // Nothing in the environment turns verification off.
    const auto r = s.run({}, {{"SEGMENT_TLS_VERIFY", "false"}, {"SNAPSHOT_SYNC_TLS_VERIFY", "false"},
                              {"CURL_CA_BUNDLE", s.file("cert.pem")}});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_THAT(last_line(r.err), HasSubstr("SSL certificate problem: self-signed certificate"));
    EXPECT_THAT(r.err, Not(HasSubstr(k_tls_warning)));
    EXPECT_TRUE(segment->messages().empty());
    EXPECT_EQ(Json::parse(read_text(s.checkpoint_path()))["state"], "running");
}

TEST_F(Tls, TurningVerificationOffIsExplicitAndWarnsOnEveryRun) {
    s.configure(https_url);
    // segment.tls_verify goes in the [segment] table that configure() wrote.
    std::string toml = read_text(s.file("config.toml"));
    toml.insert(toml.find("[segment]\n") + 10, "tls_verify = false\n");
    write_text(s.file("config.toml"), toml);
    for (int run = 1; run <= 3; ++run) {
        const auto r = s.run(run == 3 ? std::vector<std::string>{"--restart"} : std::vector<std::string>{});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto w = warnings(r.err);
        EXPECT_EQ(std::count(w.begin(), w.end(), k_tls_warning), 1) << "run " << run << "\n" << r.err;
    }
    EXPECT_EQ(group_ids(segment->messages()), group_ids(parse_lines(s.dry_run().out)));
    // A run that fails later still warned at its start.
    segment->stop();
    const auto failing = s.run({"--restart"});
    EXPECT_EQ(failing.exit_code, 4);
    EXPECT_THAT(failing.err, HasSubstr(k_tls_warning));
    // `snapshot-sync config` shows where the setting came from.
    const auto config = run_snapshot_sync({"config", "--config", s.file("config.toml")}, s.env());
    EXPECT_THAT(config.out, HasSubstr("segment.tls_verify = false  (" + s.file("config.toml") + ":"));
}

}  // namespace
}  // namespace ss::test
