#include "source/source.hpp"

#include "core/error.hpp"
#include "source/embedded_sql.hpp"

#include <fmt/format.h>

namespace ss::source {

std::string SnapshotQuery::as_of_text() const { return core::format_db_datetime(as_of); }

std::string SnapshotQuery::window_start_text() const {
    return core::format_db_datetime(as_of - std::chrono::days{30});
}

std::string SnapshotQuery::created_before_text() const { return core::format_db_datetime_micros(as_of, 1); }

std::vector<AccountRow> AccountSource::read_chunk(const SnapshotQuery& query, const core::Uuid& after,
                                                  std::size_t limit) {
    std::vector<AccountRow> rows = fetch_traits(query, after, limit);
    if (query.read_plans && !rows.empty()) attach_plans(rows, fetch_plans(after, rows.back().id));
    return rows;
}

void AccountSource::attach_plans(std::vector<AccountRow>& rows,
                                 const std::vector<std::pair<core::Uuid, std::string>>& plans) {
    // Both lists are in id order: merge. Plans of accounts outside the chunk
    // (ineligible, other shards) are skipped.
    auto plan = plans.begin();
    for (auto& row : rows) {
        while (plan != plans.end() && plan->first < row.id) ++plan;
        if (plan != plans.end() && plan->first == row.id) row.plan_key = plan->second;
    }
}

std::string_view sql_file(std::string_view path) {
    if (auto text = embedded_sql(path)) return *text;
    throw core::Error(core::ErrorKind::Internal, fmt::format("SQL file {} is not compiled in", path));
}

std::vector<TableColumns> required_schema(bool billing) {
    std::vector<TableColumns> schema{
        {"accounts", {"id", "name", "created_at", "cards_count"}},
        {"account_cancellations", {"account_id"}},
        {"account_imports", {"account_id", "status"}},
        {"users", {"id", "account_id", "active", "role", "created_at"}},
        {"boards", {"account_id"}},
        {"events", {"account_id", "creator_id", "created_at"}},
        {"storage_totals", {"owner_type", "owner_id", "bytes_stored", "last_entry_id"}},
        {"storage_entries", {"id", "account_id", "delta"}},
        {"webhooks", {"account_id", "active"}},
        {"account_join_codes", {"account_id"}},
        {"entropies", {"id", "container_type", "container_id", "auto_postpone_period"}},
    };
    if (billing) schema.push_back({"account_subscriptions", {"id", "account_id", "plan_key", "status", "created_at"}});
    return schema;
}

}  // namespace ss::source
