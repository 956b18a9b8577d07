#include "core/secrets.hpp"

#include <gtest/gtest.h>

namespace ss::core {
namespace {

class Secrets : public ::testing::Test {
protected:
    void TearDown() override { clear_secrets_for_testing(); }
};

TEST_F(Secrets, RedactsEveryOccurrence) {
    register_secret("wk_live_123");
    EXPECT_EQ(redact("key wk_live_123 and again wk_live_123."), "key [REDACTED] and again [REDACTED].");
}

TEST_F(Secrets, LongestSecretFirst) {
    register_secret("abc");
    register_secret("abcdef");
    EXPECT_EQ(redact("xabcdefx"), "x[REDACTED]x");
}

TEST_F(Secrets, IgnoresTrivialSecrets) {
    register_secret("");
    register_secret("a");
    EXPECT_EQ(redact("a plain line"), "a plain line");
}

}  // namespace
}  // namespace ss::core
