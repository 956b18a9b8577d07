#pragma once
// Where the data (or the checkpoint) lives, as a URL:
//   sqlite:PATH | sqlite://PATH | sqlite:///ABS/PATH
//   postgresql://user[:password]@host[:port]/db[?sslmode=...]   (also postgres://)
//   mysql://user[:password]@host[:port]/db[?socket=/path/mysqld.sock]
//                                          [?ssl-mode=...&ssl-ca=...]   (db/mysql.cpp)
// Parts are percent-decoded. The password is registered as a secret the
// moment it is parsed; redacted() is the only form that is ever printed.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ss::config {

enum class DatabaseScheme { Sqlite, Postgresql, Mysql };

struct DatabaseUrl {
    DatabaseScheme scheme = DatabaseScheme::Sqlite;
    std::string path;  // sqlite only
    std::string user;
    std::string password;
    std::string host;
    std::optional<int> port;
    std::string database;
    std::map<std::string, std::string> params;  // query string

    // Throws core::UsageError naming `origin` (e.g. "SNAPSHOT_SYNC_DATABASE_URL")
    // and what is wrong, never echoing the text itself.
    static DatabaseUrl parse(std::string_view text, std::string_view origin);

    std::string_view scheme_name() const;
    std::string redacted() const;  // the URL with the password as "****"
    // "host:port" (or the socket path, or the sqlite file): for error lines.
    std::string endpoint() const;
};

// Known schemes, for "unknown scheme" errors: "sqlite:, postgresql://, mysql://".
std::string_view known_database_schemes();

}  // namespace ss::config
