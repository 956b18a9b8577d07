#pragma once
// One eligible account's aggregates, as the source's SQL returns them: raw
// database values, before the trait rules of SPEC §3 (UTF-8 repair, date
// format, plan price) are applied in traits/.

#include "core/uuid.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ss::source {

struct AccountRow {
    core::Uuid id;
    std::optional<std::string> name;        // bytes as stored; may be invalid UTF-8
    std::optional<std::string> created_at;  // the database's datetime text
    std::optional<std::int64_t> cards_count;
    std::int64_t user_count = 0;
    std::int64_t board_count = 0;
    std::int64_t active_user_count_30d = 0;
    std::int64_t storage_used_bytes = 0;
    std::int64_t webhook_count = 0;
    bool has_join_code = false;
    std::optional<std::int64_t> entropy_period_seconds;
    std::optional<core::Uuid> system_user_id;
    std::optional<core::Uuid> owner_user_id;
    std::optional<std::string> plan_key;  // set only when billing is read
    // A value the source could not decode (e.g. an id that is not 16 bytes):
    // the account is reported as failed with this reason, the run goes on.
    std::optional<std::string> defect;

    bool operator==(const AccountRow&) const = default;
};

}  // namespace ss::source
