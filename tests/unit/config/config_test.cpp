#include "config/config.hpp"

#include "core/error.hpp"
#include "core/secrets.hpp"
#include "support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ss::config {
namespace {

using ::testing::HasSubstr;
using test::TempDir;
using test::write_text;

std::string load_error(const std::string& toml, const Environment& env = {}) {
    TempDir dir;
    write_text(dir.file("c.toml"), toml);
    try {
        load_config(dir.file("c.toml"), env);
    } catch (const core::UsageError& e) {
        std::string message = e.what();
        // The temporary path differs per run; tests compare what follows it.
        if (auto p = message.find("c.toml"); p != std::string::npos) message = message.substr(p);
        return message;
    }
    return "(no error)";
}

TEST(Config, DefaultsWorkForFizzyUnchanged) {
    const auto loaded = load_config(std::nullopt, {});
    const Config& c = loaded.config;
    EXPECT_EQ(c.segment_host, "https://api.segment.io");
    EXPECT_EQ(c.batch_size, 2500);
    EXPECT_EQ(c.max_batch_bytes, 500'000);
    EXPECT_EQ(c.max_retries, 10);
    EXPECT_EQ(c.identity, IdentityMode::System);
    EXPECT_EQ(c.billing, BillingMode::Auto);
    EXPECT_EQ(c.prices.at("free"), 0);
    EXPECT_EQ(c.prices.at("unlimited"), 2000);
    EXPECT_EQ(c.prices.at("unlimited_extra_storage"), 2500);
    EXPECT_TRUE(c.tls_verify);
}

TEST(Config, FileThenEnvironment) {
    TempDir dir;
    write_text(dir.file("c.toml"), R"([segment]
host = "https://events.eu1.segmentapis.com"
batch_size = 100
[database]
url = "sqlite:/srv/fizzy.db"
[billing.prices]
unlimited = 1900
)");
    const auto loaded = load_config(dir.file("c.toml"), {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:/other.db"}});
    EXPECT_EQ(loaded.config.segment_host, "https://events.eu1.segmentapis.com");
    EXPECT_EQ(loaded.config.batch_size, 100);
    EXPECT_EQ(loaded.config.database_url, "sqlite:/other.db");  // environment wins
    EXPECT_EQ(loaded.config.prices.size(), 1u);                 // the table replaces the default list
    EXPECT_EQ(loaded.config.prices.at("unlimited"), 1900);
    EXPECT_EQ(loaded.origins.at("segment.batch_size").where, dir.file("c.toml") + ":3");
    EXPECT_EQ(loaded.origins.at("database.url").where, "SNAPSHOT_SYNC_DATABASE_URL");
}

TEST(Config, UnknownKeySuggestsTheNearestOne) {
    EXPECT_EQ(load_error("[segment]\nhots = \"x\"\n"), "c.toml:2: unknown key 'segment.hots' (did you mean 'segment.host'?)");
    EXPECT_EQ(load_error("colour = 1\n"), "c.toml:1: unknown key 'colour'");
}

TEST(Config, WrongTypesAndRangesSayWhereAndWhat) {
    EXPECT_EQ(load_error("[segment]\nbatch_size = \"many\"\n"), "c.toml:2: segment.batch_size: expected an integer");
    EXPECT_EQ(load_error("[segment]\nbatch_size = 3000\n"), "c.toml:2: segment.batch_size: must be between 1 and 2500");
    EXPECT_EQ(load_error("[identity]\nmode = \"boss\"\n"),
              "c.toml:2: identity.mode: unknown value 'boss' (one of: system, owner, anonymous)");
    EXPECT_EQ(load_error("[billing.prices]\nunlimited = -5\n"),
              "c.toml:2: billing.prices.unlimited: expected a non-negative integer (cents)");
}

TEST(Config, MalformedTomlGivesTheLine) {
    EXPECT_THAT(load_error("[segment\nhost = 1\n"), HasSubstr("c.toml:1:"));
}

TEST(Config, EnvironmentErrorsNameTheVariable) {
    try {
        load_config(std::nullopt, {{"SEGMENT_HOST", "ftp://example.com"}});
        FAIL() << "expected an error";
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(), "SEGMENT_HOST: expected an http:// or https:// URL");
    }
    try {
        load_config(std::nullopt, {{"SNAPSHOT_SYNC_DATABASE_URL", "oracle://x"}});
        FAIL() << "expected an error";
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(),
                     "SNAPSHOT_SYNC_DATABASE_URL: unknown database scheme 'oracle:' (known: sqlite:PATH, "
                     "postgresql://..., mysql://...)");
    }
}

TEST(Config, HostMustNotCarryAPath) {
    EXPECT_EQ(load_error("[segment]\nhost = \"https://api.segment.io/v1/batch\"\n"),
              "c.toml:2: segment.host: give the host only (e.g. https://api.segment.io); /v1/batch is added");
}

TEST(Config, AnonymousIdentityNeedsAnId) {
    EXPECT_EQ(load_error("[identity]\nmode = \"anonymous\"\n"),
              "c.toml:2: identity.mode: identity.mode = \"anonymous\" needs identity.anonymous_id");
}

TEST(Config, WriteKeyIsRedactedInDescribe) {
    const auto loaded = load_config(std::nullopt, {{"SEGMENT_WRITE_KEY", "wk_secret_42"}});
    std::string all;
    for (const auto& line : describe(loaded)) all += line + "\n";
    EXPECT_THAT(all, HasSubstr("segment.write_key = [REDACTED]  (environment SEGMENT_WRITE_KEY)"));
    EXPECT_THAT(all, ::testing::Not(HasSubstr("wk_secret_42")));
    EXPECT_EQ(core::redact("key=wk_secret_42"), "key=[REDACTED]");
    core::clear_secrets_for_testing();
}

TEST(Config, SecretFilesDropTheTrailingNewline) {
    TempDir dir;
    write_text(dir.file("key"), "wk_from_file\n");
    write_text(dir.file("pw"), "pw_from_file\r\n");
    Config c;
    c.write_key_file = dir.file("key");
    c.database_password_file = dir.file("pw");
    EXPECT_EQ(resolve_write_key(c), "wk_from_file");
    EXPECT_EQ(resolve_database_password(c), "pw_from_file");
    EXPECT_EQ(core::redact("wk_from_file pw_from_file"), "[REDACTED] [REDACTED]");
    c.write_key_file = dir.file("missing");
    EXPECT_THROW(resolve_write_key(c), core::UsageError);
    core::clear_secrets_for_testing();
}

TEST(Config, CommandLineOverridesAndValidates) {
    auto loaded = load_config(std::nullopt, {});
    set_from_command_line(loaded, "log.format", "json", "--log-format");
    EXPECT_EQ(loaded.config.log_format, core::LogFormat::Json);
    try {
        set_from_command_line(loaded, "log.format", "xml", "--log-format");
        FAIL() << "expected an error";
    } catch (const core::UsageError& e) {
        EXPECT_STREQ(e.what(), "--log-format: unknown value 'xml' (one of: auto, text, json)");
    }
}

}  // namespace
}  // namespace ss::config
