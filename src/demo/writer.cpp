#include "demo/writer.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "demo/sqlite_writer.hpp"
#include "source/embedded_sql.hpp"
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
#include "demo/postgresql_writer.hpp"
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
#include "demo/mysql_writer.hpp"
#endif

#include <fmt/format.h>

namespace ss::demo {
namespace {

// The statements of one of our own schema files: each ends with ';' at the
// end of a line (no ';' inside their text).
std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> statements;
    std::string current;
    while (!sql.empty()) {
        const std::size_t end = sql.find('\n');
        const std::string_view line = sql.substr(0, end);
        sql = end == std::string_view::npos ? std::string_view{} : sql.substr(end + 1);
        if (line.starts_with("--")) continue;
        current += line;
        current += '\n';
        if (line.ends_with(';')) {
            statements.push_back(std::move(current));
            current.clear();
        }
    }
    if (current.find_first_not_of(" \n") != std::string::npos) statements.push_back(current);
    return statements;
}

}  // namespace

SchemaStatements schema_statements(std::string_view dialect, bool with_subscriptions) {
    SchemaStatements out;
    std::vector<std::string> files{fmt::format("{}/fizzy_schema.sql", dialect)};
    if (with_subscriptions) files.push_back(fmt::format("{}/fizzy_subscriptions.sql", dialect));
    for (const auto& file : files) {
        for (auto& statement : split_statements(source::sql_file(file))) {
            const bool index = statement.starts_with("CREATE INDEX") || statement.starts_with("CREATE UNIQUE INDEX");
            (index ? out.indexes : out.tables).push_back(std::move(statement));
        }
    }
    return out;
}

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
