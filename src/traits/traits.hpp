#pragma once
// The trait stage: one account's raw aggregates (source::AccountRow) become
// the 12 group() traits of SPEC §3 and the identity the call is made as.
// Rules that need no database live here: the created_at format, the plan's
// price, the entropy period in days, and what a damaged row means.

#include "config/config.hpp"
#include "core/uuid.hpp"
#include "source/account_row.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

namespace ss::traits {

struct Traits {
    std::string name;  // bytes as stored: made valid UTF-8 when encoded
    std::string plan;
    std::string created_at;  // YYYY-MM-DDTHH:MM:SSZ
    std::int64_t user_count = 0;
    std::int64_t board_count = 0;
    std::int64_t card_count = 0;
    std::int64_t active_user_count_30d = 0;
    std::int64_t storage_used_bytes = 0;
    std::optional<std::int64_t> mrr;  // null: the plan is not in the price list
    std::int64_t webhook_count = 0;
    bool has_join_code = false;
    std::optional<std::int64_t> entropy_period_days;

    bool operator==(const Traits&) const = default;
};

// Who the group() call is made as (SPEC §4).
struct Identity {
    enum class Kind { UserId, AnonymousId };
    Kind kind = Kind::AnonymousId;
    std::string value;

    bool operator==(const Identity&) const = default;
};

struct AccountSnapshot {
    core::Uuid account;
    Traits traits;
    Identity identity;
    bool unknown_plan = false;  // mrr is null because the plan has no price
};

// The account cannot be sent; the run reports it and goes on.
struct MappingFailure {
    core::Uuid account;
    std::string reason;
};

class TraitMapper {
public:
    TraitMapper(std::map<std::string, std::int64_t> prices, config::IdentityMode identity, std::string anonymous_id,
                bool billing);

    std::variant<AccountSnapshot, MappingFailure> map(const source::AccountRow& row) const;

private:
    Identity identity_for(const source::AccountRow& row) const;

    std::map<std::string, std::int64_t> m_prices;
    config::IdentityMode m_identity;
    std::string m_anonymous_id;
    bool m_billing;
};

}  // namespace ss::traits
