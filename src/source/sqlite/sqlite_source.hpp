#pragma once
// SQLite, Fizzy's self-hosted default: the database file opened read-only,
// one deferred read transaction as the snapshot (in WAL mode writers go on
// undisturbed).

#include "config/database_url.hpp"
#include "source/source.hpp"

#include <memory>

namespace ss::source {

struct SourceOptions;

std::unique_ptr<AccountSource> open_sqlite_source(const config::DatabaseUrl& url, const SourceOptions& options);

}  // namespace ss::source
