#include "config/database_url.hpp"

#include "core/error.hpp"
#include "core/secrets.hpp"

#include <gtest/gtest.h>

namespace ss::config {
namespace {

TEST(DatabaseUrl, SqliteForms) {
    EXPECT_EQ(DatabaseUrl::parse("sqlite:storage/production.sqlite3", "t").path, "storage/production.sqlite3");
    EXPECT_EQ(DatabaseUrl::parse("sqlite:///srv/fizzy/db.sqlite3", "t").path, "/srv/fizzy/db.sqlite3");
    EXPECT_EQ(DatabaseUrl::parse("sqlite:my%20db.sqlite3", "t").path, "my db.sqlite3");
}

TEST(DatabaseUrl, PostgresqlWithPercentEncodedPassword) {
    const auto url = DatabaseUrl::parse("postgresql://app:p%40ss%3Aw0rd@db.internal:5433/fizzy?sslmode=require", "t");
    EXPECT_EQ(url.scheme, DatabaseScheme::Postgresql);
    EXPECT_EQ(url.user, "app");
    EXPECT_EQ(url.password, "p@ss:w0rd");
    EXPECT_EQ(url.host, "db.internal");
    EXPECT_EQ(url.port, 5433);
    EXPECT_EQ(url.database, "fizzy");
    EXPECT_EQ(url.params.at("sslmode"), "require");
    EXPECT_EQ(url.redacted(), "postgresql://app:****@db.internal:5433/fizzy?sslmode=require");
    EXPECT_EQ(url.endpoint(), "db.internal:5433");
    EXPECT_EQ(core::redact("auth failed for p@ss:w0rd"), "auth failed for [REDACTED]");
    core::clear_secrets_for_testing();
}

TEST(DatabaseUrl, MysqlSocketForm) {
    const auto url = DatabaseUrl::parse("mysql://app@localhost/fizzy?socket=/run/mysqld/mysqld.sock", "t");
    EXPECT_EQ(url.scheme, DatabaseScheme::Mysql);
    EXPECT_EQ(url.endpoint(), "/run/mysqld/mysqld.sock");
    EXPECT_EQ(url.redacted(), "mysql://app@localhost/fizzy?socket=/run/mysqld/mysqld.sock");
}

TEST(DatabaseUrl, Ipv6Host) {
    const auto url = DatabaseUrl::parse("postgresql://u@[::1]:5432/db", "t");
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.endpoint(), "[::1]:5432");
}

TEST(DatabaseUrl, ErrorsNeverEchoThePassword) {
    for (const std::string bad : {"postgresql://u:hunter2@host:99999/db", "postgresql://u:hunter2@host/",
                                  "mysql://u:hunter2@/db", "postgresql://u:hunter2@ho st/db"}) {
        try {
            DatabaseUrl::parse(bad, "SNAPSHOT_SYNC_DATABASE_URL");
            ADD_FAILURE() << "accepted " << core::redact(bad);
        } catch (const core::UsageError& e) {
            EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind("SNAPSHOT_SYNC_DATABASE_URL: ", 0), 0u) << e.what();
        }
    }
    core::clear_secrets_for_testing();
}

TEST(DatabaseUrl, UnknownScheme) {
    try {
        DatabaseUrl::parse("mongodb://x/y", "database.url");
        FAIL();
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(),
                     "database.url: unknown database scheme 'mongodb:' (known: sqlite:PATH, postgresql://..., mysql://...)");
    }
}

}  // namespace
}  // namespace ss::config
