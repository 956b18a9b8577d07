#include "demo/writer.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "demo/sqlite_writer.hpp"

#include <fmt/format.h>

namespace ss::demo {

std::unique_ptr<DemoWriter> open_demo_writer(const std::string& target) {
    // A bare path means a SQLite file.
    const bool url = target.starts_with("sqlite:") || target.find("://") != std::string::npos;
    if (!url) return open_sqlite_writer(target);
    const auto parsed = config::DatabaseUrl::parse(target, "demo-db");
    switch (parsed.scheme) {
        case config::DatabaseScheme::Sqlite: return open_sqlite_writer(parsed.path);
        default: break;
    }
    throw core::UsageError(fmt::format("demo-db: {} demo databases are not supported by this build",
                                       parsed.scheme_name()));
}

}  // namespace ss::demo
