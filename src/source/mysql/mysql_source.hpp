#pragma once
// MySQL/MariaDB (Fizzy's SaaS database, BINARY(16) ids): one transaction
// WITH CONSISTENT SNAPSHOT, READ ONLY as the snapshot, chunks read with
// prepared statements from sql/mysql/.

#include "config/database_url.hpp"
#include "source/source.hpp"

#include <memory>

namespace ss::source {

struct SourceOptions;

std::unique_ptr<AccountSource> open_mysql_source(const config::DatabaseUrl& url, const SourceOptions& options);

}  // namespace ss::source
