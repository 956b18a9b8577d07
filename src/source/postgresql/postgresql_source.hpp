#pragma once
// PostgreSQL (a replica or warehouse copy of Fizzy's tables, uuid ids): one
// read-only REPEATABLE READ transaction as the snapshot, chunks read with
// prepared statements from sql/postgresql/. With parallel_reads > 1 the
// snapshot is exported (pg_export_snapshot) and joined by that many more
// connections, which read the next chunks while the current one is sent:
// every connection sees exactly the same data.

#include "config/database_url.hpp"
#include "source/source.hpp"

#include <memory>

namespace ss::source {

struct SourceOptions;

std::unique_ptr<AccountSource> open_postgresql_source(const config::DatabaseUrl& url, const SourceOptions& options);

}  // namespace ss::source
