#pragma once
// What the server-database layers (postgresql.hpp, mysql.hpp) share: how to
// connect beyond the URL, and how a library's error text becomes one line.

#include <optional>
#include <string>
#include <string_view>

namespace ss::db {

struct ConnectOptions {
    // Overrides the URL's password (database.password_file), so that the
    // password need be in neither the environment nor argv.
    std::optional<std::string> password;
    double connect_timeout_seconds = 10.0;
    // Shown in pg_stat_activity (MySQL: the program_name connection
    // attribute), so a DBA can tell the job's sessions from the application's.
    std::string application_name = "snapshot-sync";
};

// A library message (libpq's are several lines, with a query excerpt and a
// caret) as one line: lines joined with "; ", "ERROR:" prefixes and the
// excerpt dropped, whitespace collapsed. Error lines must stay one line.
std::string one_line(std::string_view message);

}  // namespace ss::db
