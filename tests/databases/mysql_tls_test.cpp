// TLS to MySQL/MariaDB, set in the URL as the mysql client spells it
// (ssl-mode, ssl-ca, ssl-cert, ssl-key), against the test MariaDB: it serves
// a certificate for 127.0.0.1 signed by a CA of its own
// (scripts/services.sh), and the tests log in as a user the server lets in
// only over TLS, so a connection that is not encrypted is refused.

#include "servers.hpp"

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* k_now = "2026-11-20T08:00:00Z";
constexpr const char* k_password = "Tls_only_pw_6612";
constexpr int k_database_failed = 5;
constexpr int k_usage = 2;

class MysqlTls : public ::testing::Test {
protected:
    void SetUp() override {
        load_demo(database.url(), 30, 3, k_now);
        const auto r = dry_run(database.url(), {"--as-of", k_now});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expected = r.out;
        ASSERT_FALSE(lines_of(expected).empty());
        tls_user_url = database.create_tls_only_user(k_password);
    }

    // The TLS-only user's URL with a query string.
    std::string url(const std::string& query) const { return tls_user_url + "?" + query; }

    // A run's one error line: exit status, the server named, the password not.
    static void expect_one_line_error(const ProcessResult& r, int exit_code, const std::string& what) {
        EXPECT_EQ(r.exit_code, exit_code) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
        const auto lines = lines_of(r.err);
        ASSERT_EQ(lines.size(), 1u) << r.err;
        EXPECT_THAT(lines[0], HasSubstr(what));
        EXPECT_THAT(r.err, Not(HasSubstr(k_password)));
    }

    ScratchDatabase database{Server::Mysql};
    std::string expected;  // the dry run over a plain connection, as the admin
    std::string tls_user_url;
};

TEST_F(MysqlTls, WithoutSslModeTheTlsOnlyUserIsRefused) {
    const auto r = dry_run(tls_user_url, {"--as-of", k_now});
    expect_one_line_error(r, k_database_failed, "cannot connect");
    const auto lines = lines_of(r.err);
    ASSERT_FALSE(lines.empty());
    EXPECT_THAT(lines[0], HasSubstr("127.0.0.1:"));
}

TEST_F(MysqlTls, RequiredEncryptsAndGivesTheSameOutput) {
    const auto r = dry_run(url("ssl-mode=REQUIRED"), {"--as-of", k_now});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, expected);
    // The mode is case-insensitive, as in the mysql client.
    const auto lower = dry_run(url("ssl-mode=required"), {"--as-of", k_now});
    ASSERT_EQ(lower.exit_code, 0) << lower.err;
    EXPECT_EQ(lower.out, expected);
}

TEST_F(MysqlTls, VerifyIdentityAcceptsTheServersCa) {
    const std::string ca = mysql_tls_ca();
    for (const auto& query : {fmt::format("ssl-mode=VERIFY_IDENTITY&ssl-ca={}", ca),
                              fmt::format("ssl-mode=VERIFY_CA&ssl-ca={}", ca), fmt::format("ssl-ca={}", ca)}) {
        const auto r = dry_run(url(query), {"--as-of", k_now});
        ASSERT_EQ(r.exit_code, 0) << query << ": " << r.err;
        EXPECT_EQ(r.out, expected) << query;
    }
}

TEST_F(MysqlTls, ACertificateFromAnotherCaIsRefused) {
    TempDir dir;
    ProcessOptions openssl;
    openssl.args = {"/usr/bin/openssl", "req",  "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", dir.file("other-ca-key.pem"), "-out", dir.file("other-ca.pem"),
                    "-days", "2", "-subj", "/CN=some other CA"};
    const auto made = run_process(openssl);
    ASSERT_EQ(made.exit_code, 0) << made.err;

    // REQUIRED with an ssl-ca checks the chain too, as the mysql client does.
    for (const std::string mode : {"VERIFY_IDENTITY", "VERIFY_CA", "REQUIRED"}) {
        const auto r = dry_run(url("ssl-mode=" + mode + "&ssl-ca=" + dir.file("other-ca.pem")), {"--as-of", k_now});
        expect_one_line_error(r, k_database_failed, "certificate");
    }
    // Verifying without an ssl-ca trusts the system's CAs, which did not sign the test server's.
    expect_one_line_error(dry_run(url("ssl-mode=VERIFY_IDENTITY"), {"--as-of", k_now}), k_database_failed,
                          "certificate");
}

// The server's certificate names 127.0.0.1, not localhost: the same server,
// reached as localhost, fails the name check of both verify modes, while
// REQUIRED with the CA checks the chain only.
TEST_F(MysqlTls, VerifyChecksTheHostName) {
    const std::string ca = mysql_tls_ca();
    std::string as_localhost = tls_user_url;
    const auto host = as_localhost.find("@127.0.0.1:");
    ASSERT_NE(host, std::string::npos) << "services.sh's URLs name 127.0.0.1";
    as_localhost.replace(host + 1, std::string("127.0.0.1").size(), "localhost");

    for (const std::string mode : {"VERIFY_IDENTITY", "VERIFY_CA"}) {
        const auto r = dry_run(as_localhost + "?ssl-mode=" + mode + "&ssl-ca=" + ca, {"--as-of", k_now});
        expect_one_line_error(r, k_database_failed, "localhost:");
    }
    const auto required = dry_run(as_localhost + "?ssl-mode=REQUIRED&ssl-ca=" + ca, {"--as-of", k_now});
    ASSERT_EQ(required.exit_code, 0) << required.err;
    EXPECT_EQ(required.out, expected);
}

TEST_F(MysqlTls, BadTlsParametersAreOneLineUsageErrors) {
    expect_one_line_error(dry_run(url("ssl-mode=sometimes"), {"--as-of", k_now}), k_usage,
                          "ssl-mode must be DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
    expect_one_line_error(dry_run(url("ssl-mode=DISABLED&ssl-ca=/etc/ssl/certs/ca-certificates.crt"),
                                  {"--as-of", k_now}),
                          k_usage, "need an ssl-mode other than DISABLED");
    expect_one_line_error(dry_run(url("ssl-mode=REQUIRED&ssl-cert=/tmp/client.pem"), {"--as-of", k_now}), k_usage,
                          "ssl-cert and ssl-key go together");
    // PostgreSQL's spelling is not MySQL's: named, not ignored.
    expect_one_line_error(dry_run(url("sslmode=require"), {"--as-of", k_now}), k_usage,
                          "unknown mysql URL parameter 'sslmode'");
}

}  // namespace
}  // namespace ss::test
