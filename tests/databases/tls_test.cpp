// TLS to the database, set in the URL in each server's own spelling:
// PostgreSQL's libpq parameters (sslmode, sslrootcert; passed through) and
// the mysql client's (ssl-mode, ssl-ca, ssl-cert, ssl-key; db/mysql.cpp).
// The test servers (scripts/services.sh) serve a certificate for 127.0.0.1
// signed by a CA of their own, and the tests log in as a user the server
// lets in only over TLS, so a connection that is not encrypted is refused.

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

// The same four modes, as each server spells them.
struct Spelling {
    std::string disabled, required, verify_ca, verify_full;
    std::string ca;  // the parameter naming the CA file
};

Spelling spelling(Server server) {
    if (server == Server::Postgresql) {
        return {"sslmode=disable", "sslmode=require", "sslmode=verify-ca", "sslmode=verify-full", "sslrootcert"};
    }
    return {"ssl-mode=DISABLED", "ssl-mode=REQUIRED", "ssl-mode=VERIFY_CA", "ssl-mode=VERIFY_IDENTITY", "ssl-ca"};
}

// services.sh's URL with another host name for the same server.
std::string on_host(std::string url, const std::string& host) {
    const auto at = url.find("@127.0.0.1:");
    if (at == std::string::npos) throw std::logic_error("services.sh's URLs name 127.0.0.1");
    return url.replace(at + 1, std::string("127.0.0.1").size(), host);
}

// A run's one error line: exit status, what it names, the secret not.
void expect_one_line_error(const ProcessResult& r, int exit_code, const std::string& what,
                           const std::string& secret) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_THAT(lines[0], HasSubstr(what));
    EXPECT_THAT(r.err, Not(HasSubstr(secret)));
}

class DatabaseTls : public ::testing::TestWithParam<Server> {
protected:
    void SetUp() override {
        load_demo(database.url(), 30, 3, k_now);
        const auto r = dry_run(database.url(), {"--as-of", k_now});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expected = r.out;
        ASSERT_FALSE(lines_of(expected).empty());
        tls_user_url = database.create_tls_only_user(k_password);
    }

    // The TLS-only user's URL with a query string, on `host`.
    std::string url(const std::string& query, const std::string& host = "127.0.0.1") const {
        return on_host(tls_user_url, host) + "?" + query;
    }
    std::string with_ca(const std::string& mode, const std::string& ca_file) const {
        return mode + "&" + s.ca + "=" + ca_file;
    }

    void expect_same_output(const std::string& query, const std::string& host = "127.0.0.1") const {
        const auto r = dry_run(url(query, host), {"--as-of", k_now});
        ASSERT_EQ(r.exit_code, 0) << query << " on " << host << ": " << r.err;
        EXPECT_EQ(r.out, expected) << query;
    }

    void expect_refused(const std::string& query, const std::string& what, const std::string& host = "127.0.0.1") {
        SCOPED_TRACE(query + " on " + host);
        expect_one_line_error(dry_run(url(query, host), {"--as-of", k_now}), k_database_failed, what, k_password);
    }

    Spelling s = spelling(GetParam());
    ScratchDatabase database{GetParam()};
    std::string expected;  // the dry run over the admin's connection
    std::string tls_user_url;
};

TEST_P(DatabaseTls, WithoutTlsTheTlsOnlyUserIsRefused) {
    expect_refused(s.disabled, "127.0.0.1:");
    expect_refused(s.disabled, "cannot connect");
}

TEST_P(DatabaseTls, RequiredEncryptsAndGivesTheSameOutput) { expect_same_output(s.required); }

TEST_P(DatabaseTls, VerifyAcceptsTheServersCa) {
    const std::string ca = server_tls_ca(GetParam());
    expect_same_output(with_ca(s.verify_full, ca));
    expect_same_output(with_ca(s.verify_ca, ca));
}

TEST_P(DatabaseTls, ACertificateFromAnotherCaIsRefused) {
    TempDir dir;
    ProcessOptions openssl;
    openssl.args = {"/usr/bin/openssl", "req",  "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", dir.file("other-ca-key.pem"), "-out", dir.file("other-ca.pem"),
                    "-days", "2", "-subj", "/CN=some other CA"};
    const auto made = run_process(openssl);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    // Given a CA file, the required mode checks the chain too, in both clients.
    for (const auto& mode : {s.verify_full, s.verify_ca, s.required}) {
        expect_refused(with_ca(mode, dir.file("other-ca.pem")), "certificate");
    }
    // Verifying without a CA file: PostgreSQL wants ~/.postgresql/root.crt,
    // MariaDB trusts the system's CAs; neither has the test CA.
    expect_refused(s.verify_full, "certificate");
}

// The server's certificate names 127.0.0.1, not localhost: the same server,
// reached as localhost, fails the name check of full verification, while
// verify-ca (PostgreSQL) or REQUIRED with the CA (MariaDB) checks the chain
// only. MariaDB's client checks the name in VERIFY_CA as well.
TEST_P(DatabaseTls, FullVerificationChecksTheHostName) {
    const std::string ca = server_tls_ca(GetParam());
    expect_refused(with_ca(s.verify_full, ca), "localhost:", "localhost");
    expect_same_output(with_ca(GetParam() == Server::Postgresql ? s.verify_ca : s.required, ca), "localhost");
    if (GetParam() == Server::Mysql) expect_refused(with_ca(s.verify_ca, ca), "localhost:", "localhost");
}

INSTANTIATE_TEST_SUITE_P(Databases, DatabaseTls, ::testing::Values(Server::Postgresql, Server::Mysql),
                         [](const auto& test) { return server_name(test.param); });

// The mysql client's parameters are checked before connecting.
TEST(MysqlTlsParameters, BadOnesAreOneLineUsageErrors) {
    const std::string base = with_database(server_url(Server::Mysql), "appdb");
    const auto refused = [&](const std::string& query, const std::string& what) {
        SCOPED_TRACE(query);
        expect_one_line_error(dry_run(base + "?" + query, {"--as-of", k_now}), k_usage, what, "app_pw");
    };
    refused("ssl-mode=sometimes", "ssl-mode must be DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
    refused("ssl-mode=DISABLED&ssl-ca=/etc/ssl/certs/ca-certificates.crt", "need an ssl-mode other than DISABLED");
    refused("ssl-mode=REQUIRED&ssl-cert=/tmp/client.pem", "ssl-cert and ssl-key go together");
    // PostgreSQL's spelling is not MySQL's: named, not ignored.
    refused("sslmode=require", "unknown mysql URL parameter 'sslmode'");
}

TEST(MysqlTlsParameters, TheModeIsCaseInsensitiveAsInTheMysqlClient) {
    ScratchDatabase database(Server::Mysql);
    load_demo(database.url(), 10, 3, k_now);
    const auto upper = dry_run(database.url() + "?ssl-mode=REQUIRED", {"--as-of", k_now});
    const auto lower = dry_run(database.url() + "?ssl-mode=required", {"--as-of", k_now});
    ASSERT_EQ(upper.exit_code, 0) << upper.err;
    ASSERT_EQ(lower.exit_code, 0) << lower.err;
    EXPECT_EQ(lower.out, upper.out);
    // And an ssl-ca alone means VERIFY_IDENTITY.
    const auto ca_only = dry_run(database.url() + "?ssl-ca=" + server_tls_ca(Server::Mysql), {"--as-of", k_now});
    ASSERT_EQ(ca_only.exit_code, 0) << ca_only.err;
    EXPECT_EQ(ca_only.out, upper.out);
    const auto on_localhost =
        dry_run(on_host(database.url(), "localhost") + "?ssl-ca=" + server_tls_ca(Server::Mysql), {"--as-of", k_now});
    EXPECT_EQ(on_localhost.exit_code, k_database_failed) << on_localhost.err;
}

}  // namespace
}  // namespace ss::test
