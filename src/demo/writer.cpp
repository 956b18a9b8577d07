#include "demo/writer.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "demo/sqlite_writer.hpp"
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
#include "demo/postgresql_writer.hpp"
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
#include "demo/mysql_writer.hpp"
#endif

#include <fmt/format.h>

namespace ss::demo {

std::unique_ptr<DemoWriter> open_demo_writer(const std::string& target) {
    // A bare path means a SQLite file.
    const bool url = target.starts_with("sqlite:") || target.find("://") != std::string::npos;
    if (!url) return open_sqlite_writer(target);
    const auto parsed = config::DatabaseUrl::parse(target, "demo-db");
    switch (parsed.scheme) {
        case config::DatabaseScheme::Sqlite: return open_sqlite_writer(parsed.path);
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
        case config::DatabaseScheme::Postgresql: return open_postgresql_writer(parsed);
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
        case config::DatabaseScheme::Mysql: return open_mysql_writer(parsed);
#endif
        default: break;
    }
    throw core::UsageError(fmt::format("demo-db: {} demo databases are not supported by this build",
                                       parsed.scheme_name()));
}

}  // namespace ss::demo
