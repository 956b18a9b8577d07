#pragma once
// The source stage: eligible accounts and their aggregates, read from the
// application database in keyset-ordered chunks inside one consistent
// snapshot. One implementation per database (sqlite/, postgresql/, mysql/),
// each running its dialect's SQL from sql/<dialect>/; chosen by URL scheme in
// registry.cpp.

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "source/account_row.hpp"
#include "source/shard.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ss::source {

// What one run asks of the source: the same for every chunk.
struct SnapshotQuery {
    core::Instant as_of;
    Shard shard;
    bool read_plans = false;  // billing: account_subscriptions exists and is used

    // The bounds as datetime text every dialect compares the same way:
    // created_at <= as_of is created_at < as_of + 1 microsecond.
    std::string as_of_text() const;
    std::string window_start_text() const;    // as_of - 30 days
    std::string created_before_text() const;  // as_of + 1 microsecond
};

struct TableColumns {
    std::string table;
    std::vector<std::string> columns;
};

class AccountSource {
public:
    virtual ~AccountSource() = default;
    AccountSource(const AccountSource&) = delete;
    AccountSource& operator=(const AccountSource&) = delete;

    // The database, redacted, for logs and errors ("sqlite:demo.db").
    virtual std::string describe() const = 0;

    // Starts the read-only snapshot every later read sees, until end_snapshot.
    virtual void begin_snapshot() = 0;
    virtual void end_snapshot() = 0;

    // Drops the connection and opens a new one (and a new snapshot) after a
    // ConnectionLost error. The new snapshot may see newer data.
    virtual void reconnect() = 0;

    virtual bool has_table(const std::string& table) = 0;
    // "table.column" for each required column that does not exist.
    virtual std::vector<std::string> missing_columns(const std::vector<TableColumns>& required) = 0;

    virtual std::int64_t count_eligible(const SnapshotQuery& query) = 0;

    // Up to `limit` eligible accounts with id > after, in id order, traits
    // filled in (and plan_key when query.read_plans). Fewer than `limit`
    // means the end was reached. A source may read ahead (PostgreSQL reads
    // the next chunks on other connections of the same snapshot).
    virtual std::vector<AccountRow> read_chunk(const SnapshotQuery& query, const core::Uuid& after,
                                               std::size_t limit);

protected:
    AccountSource() = default;

    // Sets plan_key on the rows that have one: both lists in id order.
    static void attach_plans(std::vector<AccountRow>& rows, const std::vector<std::pair<core::Uuid, std::string>>& plans);

    virtual std::vector<AccountRow> fetch_traits(const SnapshotQuery& query, const core::Uuid& after,
                                                 std::size_t limit) = 0;
    // (account id, plan_key) of the plan in force for each account with
    // after < id <= last, in id order.
    virtual std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid& after,
                                                                        const core::Uuid& last) = 0;
};

// The tables and columns the SQL reads; billing adds account_subscriptions.
std::vector<TableColumns> required_schema(bool billing);

}  // namespace ss::source
