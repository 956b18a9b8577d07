#pragma once

#include "demo/writer.hpp"

namespace ss::config {
struct DatabaseUrl;
}

namespace ss::demo {

// Fizzy's tables in an existing MySQL/MariaDB database (BINARY(16) ids,
// utf8mb4), loaded with multi-row INSERTs; refuses a database that already
// has them.
std::unique_ptr<DemoWriter> open_mysql_writer(const config::DatabaseUrl& url);

}  // namespace ss::demo
