#pragma once
// PostgreSQL (a replica or warehouse copy of Fizzy's tables, uuid ids): one
// read-only REPEATABLE READ transaction as the snapshot, chunks read with
// prepared statements from sql/postgresql/.

#include "config/database_url.hpp"
#include "source/source.hpp"

#include <memory>

namespace ss::source {

struct SourceOptions;

std::unique_ptr<AccountSource> open_postgresql_source(const config::DatabaseUrl& url, const SourceOptions& options);

}  // namespace ss::source
