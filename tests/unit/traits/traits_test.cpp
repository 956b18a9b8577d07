#include "traits/traits.hpp"

#include <gtest/gtest.h>

namespace ss::traits {
namespace {

source::AccountRow row() {
    source::AccountRow r;
    r.id = *core::Uuid::from_hex("01936f1e93b17a2b8c3d4e5f60718293");
    r.name = "Acme";
    r.created_at = "2024-05-06 07:08:09.987654";
    r.cards_count = 12;
    r.user_count = 4;
    r.board_count = 2;
    r.active_user_count_30d = 3;
    r.storage_used_bytes = 1024;
    r.webhook_count = 1;
    r.has_join_code = true;
    r.entropy_period_seconds = 7 * 86'400 + 5;
    r.system_user_id = core::Uuid::from_hex("01936f1e93b17a2b8c3d4e5f60718294");
    r.owner_user_id = core::Uuid::from_hex("01936f1e93b17a2b8c3d4e5f60718295");
    r.plan_key = "unlimited";
    return r;
}

const std::map<std::string, std::int64_t> k_prices{{"free", 0}, {"unlimited", 2000}, {"unlimited_extra_storage", 2500}};

AccountSnapshot mapped(const TraitMapper& mapper, const source::AccountRow& r) {
    auto result = mapper.map(r);
    EXPECT_TRUE(std::holds_alternative<AccountSnapshot>(result));
    return std::get<AccountSnapshot>(result);
}

TEST(Traits, MapsEveryTraitOfSpec3) {
    const TraitMapper mapper(k_prices, config::IdentityMode::System, "", true);
    const auto s = mapped(mapper, row());
    EXPECT_EQ(s.traits.name, "Acme");
    EXPECT_EQ(s.traits.plan, "unlimited");
    EXPECT_EQ(s.traits.mrr, 2000);
    EXPECT_EQ(s.traits.created_at, "2024-05-06T07:08:09Z");
    EXPECT_EQ(s.traits.card_count, 12);
    EXPECT_EQ(s.traits.entropy_period_days, 7);
    EXPECT_EQ(s.identity.kind, Identity::Kind::UserId);
    EXPECT_EQ(s.identity.value, row().system_user_id->to_base36());
    EXPECT_FALSE(s.unknown_plan);
}

TEST(Traits, BillingRules) {
    auto r = row();
    r.plan_key.reset();
    EXPECT_EQ(mapped(TraitMapper(k_prices, config::IdentityMode::System, "", true), r).traits.plan, "free");
    EXPECT_EQ(mapped(TraitMapper(k_prices, config::IdentityMode::System, "", true), r).traits.mrr, 0);
    r.plan_key = "legacy_team";
    const auto unknown = mapped(TraitMapper(k_prices, config::IdentityMode::System, "", true), r);
    EXPECT_EQ(unknown.traits.plan, "legacy_team");
    EXPECT_FALSE(unknown.traits.mrr);
    EXPECT_TRUE(unknown.unknown_plan);
    // Without the table: free and 0, whatever the row says.
    const auto off = mapped(TraitMapper(k_prices, config::IdentityMode::System, "", false), row());
    EXPECT_EQ(off.traits.plan, "free");
    EXPECT_EQ(off.traits.mrr, 0);
}

TEST(Traits, IdentityModes) {
    auto r = row();
    EXPECT_EQ(mapped(TraitMapper(k_prices, config::IdentityMode::Owner, "", true), r).identity.value,
              r.owner_user_id->to_base36());
    r.owner_user_id.reset();  // no active owner: the system user
    EXPECT_EQ(mapped(TraitMapper(k_prices, config::IdentityMode::Owner, "", true), r).identity.value,
              r.system_user_id->to_base36());
    r.system_user_id.reset();  // no system user either: anonymous, keyed by the account
    const auto anonymous = mapped(TraitMapper(k_prices, config::IdentityMode::System, "", true), r);
    EXPECT_EQ(anonymous.identity.kind, Identity::Kind::AnonymousId);
    EXPECT_EQ(anonymous.identity.value, r.id.to_base36());
    const auto fixed = mapped(TraitMapper(k_prices, config::IdentityMode::Anonymous, "fizzy-snapshots", true), row());
    EXPECT_EQ(fixed.identity.kind, Identity::Kind::AnonymousId);
    EXPECT_EQ(fixed.identity.value, "fizzy-snapshots");
}

TEST(Traits, NullEntropyIsNull) {
    auto r = row();
    r.entropy_period_seconds.reset();
    EXPECT_FALSE(mapped(TraitMapper(k_prices, config::IdentityMode::System, "", true), r).traits.entropy_period_days);
}

TEST(Traits, DamagedRowsFailTheAccountWithAReason) {
    const TraitMapper mapper(k_prices, config::IdentityMode::System, "", true);
    auto reason = [&](source::AccountRow r) {
        auto result = mapper.map(r);
        return std::holds_alternative<MappingFailure>(result) ? std::get<MappingFailure>(result).reason : "(mapped)";
    };
    auto r = row();
    r.name.reset();
    EXPECT_EQ(reason(r), "accounts.name is NULL");
    r = row();
    r.cards_count.reset();
    EXPECT_EQ(reason(r), "accounts.cards_count is NULL");
    r = row();
    r.created_at = "last tuesday";
    EXPECT_EQ(reason(r), "accounts.created_at 'last tuesday' is not a datetime");
    r = row();
    r.storage_used_bytes = -10;
    EXPECT_EQ(reason(r), "storage_used_bytes is negative (-10): the storage ledger is inconsistent");
}

}  // namespace
}  // namespace ss::traits
