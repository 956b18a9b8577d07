#include "traits/traits.hpp"

#include "core/time.hpp"

#include <fmt/format.h>

namespace ss::traits {

namespace {
constexpr std::int64_t k_seconds_per_day = 86'400;
constexpr std::string_view k_free_plan = "free";
}  // namespace

TraitMapper::TraitMapper(std::map<std::string, std::int64_t> prices, config::IdentityMode identity,
                         std::string anonymous_id, bool billing)
    : m_prices(std::move(prices)), m_identity(identity), m_anonymous_id(std::move(anonymous_id)), m_billing(billing) {}

Identity TraitMapper::identity_for(const source::AccountRow& row) const {
    switch (m_identity) {
        case config::IdentityMode::Anonymous: return {Identity::Kind::AnonymousId, m_anonymous_id};
        case config::IdentityMode::Owner:
            if (row.owner_user_id) return {Identity::Kind::UserId, row.owner_user_id->to_base36()};
            [[fallthrough]];
        case config::IdentityMode::System:
            if (row.system_user_id) return {Identity::Kind::UserId, row.system_user_id->to_base36()};
            break;
    }
    // No system user: the call is anonymous, keyed by the account itself.
    return {Identity::Kind::AnonymousId, row.id.to_base36()};
}

std::variant<AccountSnapshot, MappingFailure> TraitMapper::map(const source::AccountRow& row) const {
    auto fail = [&](std::string reason) { return MappingFailure{row.id, std::move(reason)}; };
    if (row.defect) return fail(*row.defect);
    if (!row.name) return fail("accounts.name is NULL");
    if (!row.cards_count) return fail("accounts.cards_count is NULL");
    if (!row.created_at) return fail("accounts.created_at is NULL");
    auto created_at = core::db_datetime_to_iso8601(*row.created_at);
    if (!created_at) return fail(fmt::format("accounts.created_at '{}' is not a datetime", row.created_at->substr(0, 40)));
    if (row.storage_used_bytes < 0) {
        return fail(fmt::format("storage_used_bytes is negative ({}): the storage ledger is inconsistent",
                                row.storage_used_bytes));
    }

    AccountSnapshot snapshot;
    snapshot.account = row.id;
    snapshot.identity = identity_for(row);
    Traits& t = snapshot.traits;
    t.name = *row.name;
    t.created_at = std::move(*created_at);
    t.user_count = row.user_count;
    t.board_count = row.board_count;
    t.card_count = *row.cards_count;
    t.active_user_count_30d = row.active_user_count_30d;
    t.storage_used_bytes = row.storage_used_bytes;
    t.webhook_count = row.webhook_count;
    t.has_join_code = row.has_join_code;
    if (row.entropy_period_seconds) t.entropy_period_days = *row.entropy_period_seconds / k_seconds_per_day;

    if (m_billing) {
        t.plan = row.plan_key.value_or(std::string(k_free_plan));
        if (auto price = m_prices.find(t.plan); price != m_prices.end()) {
            t.mrr = price->second;
        } else {
            snapshot.unknown_plan = true;
        }
    } else {
        t.plan = k_free_plan;
        t.mrr = 0;
    }
    return snapshot;
}

}  // namespace ss::traits
