#include "message/group_message.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ss::message {
namespace {

traits::AccountSnapshot sample() {
    traits::AccountSnapshot s;
    s.account = *core::Uuid::from_hex("01936f1e93b17a2b8c3d4e5f60718293");
    s.identity = {traits::Identity::Kind::UserId, "03ar51hwc5cjp8m0ltnd4joel"};
    auto& t = s.traits;
    t.name = "Acme \xF0\x9F\x9A\x80";
    t.plan = "unlimited";
    t.created_at = "2024-01-02T03:04:05Z";
    t.user_count = 7;
    t.board_count = 3;
    t.card_count = 42;
    t.active_user_count_30d = 5;
    t.storage_used_bytes = 123456789;
    t.mrr = 2000;
    t.webhook_count = 2;
    t.has_join_code = true;
    t.entropy_period_days = 30;
    return s;
}

const core::Instant k_as_of = *core::parse_iso8601("2026-12-03T00:00:00Z");

TEST(GroupMessage, HasTheShapeOfSpec4) {
    const GroupMessageEncoder encoder(k_as_of, "snapshot-sync", "1.2.3");
    const auto m = encoder.encode(sample());
    const auto j = nlohmann::json::parse(m.json);
    EXPECT_EQ(j["type"], "group");
    EXPECT_EQ(j["groupId"], sample().account.to_base36());
    EXPECT_EQ(j["userId"], "03ar51hwc5cjp8m0ltnd4joel");
    EXPECT_FALSE(j.contains("anonymousId"));
    EXPECT_EQ(j["timestamp"], "2026-12-03T00:00:00Z");
    EXPECT_EQ(j["context"]["library"]["name"], "snapshot-sync");
    EXPECT_EQ(j["context"]["library"]["version"], "1.2.3");
    EXPECT_FALSE(j.contains("sentAt"));  // added per request
    const auto& t = j["traits"];
    EXPECT_EQ(t.size(), 12u);
    EXPECT_EQ(t["name"], "Acme \xF0\x9F\x9A\x80");
    EXPECT_EQ(t["mrr"], 2000);
    EXPECT_EQ(t["has_join_code"], true);
    EXPECT_EQ(t["entropy_period_days"], 30);
    EXPECT_EQ(m.json.find('\n'), std::string::npos);
}

TEST(GroupMessage, NullTraitsAndAnonymousIdentity) {
    auto s = sample();
    s.traits.mrr.reset();
    s.traits.entropy_period_days.reset();
    s.identity = {traits::Identity::Kind::AnonymousId, "fixed \"id\""};
    const auto j = nlohmann::json::parse(GroupMessageEncoder(k_as_of, "job", "v").encode(s).json);
    EXPECT_TRUE(j["traits"]["mrr"].is_null());
    EXPECT_TRUE(j["traits"]["entropy_period_days"].is_null());
    EXPECT_EQ(j["anonymousId"], "fixed \"id\"");
    EXPECT_FALSE(j.contains("userId"));
}

TEST(GroupMessage, InvalidUtf8BecomesReplacementCharacters) {
    auto s = sample();
    s.traits.name = "Bad \xFF\xFE name \xC3\x28";
    const auto m = GroupMessageEncoder(k_as_of, "job", "v").encode(s);
    const auto j = nlohmann::json::parse(m.json);  // would throw on invalid UTF-8
    EXPECT_EQ(j["traits"]["name"], "Bad \xEF\xBF\xBD\xEF\xBF\xBD name \xEF\xBF\xBD(");
}

TEST(GroupMessage, MessageIdIsDeterministicAndNamespaced) {
    const GroupMessageEncoder encoder(k_as_of, "fizzy-prod", "v");
    const auto a = nlohmann::json::parse(encoder.encode(sample()).json)["messageId"].get<std::string>();
    const auto b = nlohmann::json::parse(encoder.encode(sample()).json)["messageId"].get<std::string>();
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.rfind("fizzy-prod-", 0), 0u);
    EXPECT_LT(a.size(), 100u);

    auto changed = sample();
    changed.traits.user_count += 1;
    EXPECT_NE(nlohmann::json::parse(encoder.encode(changed).json)["messageId"], a);
    const GroupMessageEncoder later(k_as_of + std::chrono::seconds(1), "fizzy-prod", "v");
    EXPECT_NE(nlohmann::json::parse(later.encode(sample()).json)["messageId"], a);
    // The library version is not part of what the message says.
    EXPECT_EQ(nlohmann::json::parse(GroupMessageEncoder(k_as_of, "fizzy-prod", "v2").encode(sample()).json)["messageId"], a);
}

TEST(GroupMessage, FingerprintIgnoresTheSnapshotInstant) {
    const auto a = GroupMessageEncoder(k_as_of, "job", "v").encode(sample());
    const auto b = GroupMessageEncoder(k_as_of + std::chrono::hours(24), "job", "v").encode(sample());
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    auto changed = sample();
    changed.traits.webhook_count = 0;
    EXPECT_NE(GroupMessageEncoder(k_as_of, "job", "v").encode(changed).fingerprint, a.fingerprint);
    auto other_identity = sample();
    other_identity.identity.value = "someone-else";
    EXPECT_NE(GroupMessageEncoder(k_as_of, "job", "v").encode(other_identity).fingerprint, a.fingerprint);
}

}  // namespace
}  // namespace ss::message
