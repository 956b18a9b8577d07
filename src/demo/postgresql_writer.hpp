#pragma once

#include "demo/writer.hpp"

namespace ss::config {
struct DatabaseUrl;
}

namespace ss::demo {

// Fizzy's tables in an existing PostgreSQL database (uuid ids), loaded with
// COPY in one transaction; refuses a database that already has them.
std::unique_ptr<DemoWriter> open_postgresql_writer(const config::DatabaseUrl& url);

}  // namespace ss::demo
