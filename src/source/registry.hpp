#pragma once
// Opens the source a database URL names. One table maps each scheme to its
// backend; schemes whose library was not compiled in are an error that says
// so, and compiled_backends() feeds --version.

#include "config/database_url.hpp"
#include "source/source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ss::source {

struct SourceOptions {
    std::optional<std::string> password;  // overrides the URL's (password file)
    double connect_timeout_seconds = 10.0;
    // PostgreSQL: chunks read at once, each on a connection of its own that
    // joins the run's snapshot. 1 reads one chunk at a time.
    int parallel_reads = 2;
};

std::unique_ptr<AccountSource> open_source(const config::DatabaseUrl& url, const SourceOptions& options);

// "sqlite", "postgresql", "mysql": the backends this binary was built with.
std::vector<std::string> compiled_backends();

}  // namespace ss::source
