#include "source/registry.hpp"

#include "core/error.hpp"
#include "source/sqlite/sqlite_source.hpp"
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
#include "source/postgresql/postgresql_source.hpp"
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
#include "source/mysql/mysql_source.hpp"
#endif

#include <array>

#include <fmt/format.h>

namespace ss::source {
namespace {

using Factory = std::unique_ptr<AccountSource> (*)(const config::DatabaseUrl&, const SourceOptions&);

struct Backend {
    config::DatabaseScheme scheme;
    std::string_view name;
    Factory open;  // nullptr: not compiled in
};

constexpr std::array k_backends{
    Backend{config::DatabaseScheme::Sqlite, "sqlite", &open_sqlite_source},
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
    Backend{config::DatabaseScheme::Postgresql, "postgresql", &open_postgresql_source},
#else
    Backend{config::DatabaseScheme::Postgresql, "postgresql", nullptr},
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
    Backend{config::DatabaseScheme::Mysql, "mysql", &open_mysql_source},
#else
    Backend{config::DatabaseScheme::Mysql, "mysql", nullptr},
#endif
};

}  // namespace

std::unique_ptr<AccountSource> open_source(const config::DatabaseUrl& url, const SourceOptions& options) {
    for (const auto& backend : k_backends) {
        if (backend.scheme != url.scheme) continue;
        if (backend.open == nullptr) {
            throw core::UsageError(fmt::format("{}: this build has no {} support (built with: {})", url.redacted(),
                                               backend.name, fmt::join(compiled_backends(), ", ")));
        }
        return backend.open(url, options);
    }
    throw core::Error(core::ErrorKind::Internal, "no backend for " + url.redacted());
}

std::vector<std::string> compiled_backends() {
    std::vector<std::string> names;
    for (const auto& backend : k_backends) {
        if (backend.open != nullptr) names.emplace_back(backend.name);
    }
    return names;
}

}  // namespace ss::source
