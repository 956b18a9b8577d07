#pragma once
// A thin layer over mysql-connector-c++ 1.1 (MySQL and MariaDB), shared by
// the MySQL source, the demo writer and (later) a MySQL checkpoint store.
// <cppconn/...> and <mysql_driver.h> stay in mysql.cpp. Every failure throws
// core::DatabaseError "<redacted URL>: <what>: <server message>"; when the
// connection is gone (refused, lost, killed, server shut down) its kind is
// ConnectionLost, so the caller may reconnect.
//
// Sessions use utf8mb4 (4-byte UTF-8 such as emoji survives), UTC, and never
// reconnect behind the caller's back (that would silently leave a snapshot).
//
// Statements take named parameters, ":name" as in SQLite (a name may appear
// more than once); they are rewritten to the "?" the connector understands.

#include "db/server.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ss::config {
struct DatabaseUrl;
}

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
class Statement;
}  // namespace sql

namespace ss::db {

class MysqlConnection;

// Rows of a result, read forward with next(); columns are 0-based.
class MysqlRows {
public:
    MysqlRows(MysqlRows&&) noexcept;
    MysqlRows& operator=(MysqlRows&&) noexcept;
    ~MysqlRows();

    bool next();
    bool is_null(int column) const;
    // Text and binary columns as bytes (BINARY(16) ids keep every byte).
    std::string bytes(int column) const;
    std::optional<std::string> optional_bytes(int column) const;
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;

private:
    friend class MysqlConnection;
    friend class MysqlStatement;
    struct Impl;
    MysqlRows(const MysqlConnection& connection, std::unique_ptr<Impl> impl);
    const MysqlConnection* m_connection;
    std::unique_ptr<Impl> m_impl;
};

// A server-side prepared statement. Connector/C++ 1.1 buffers the whole
// result of a prepared statement on the client, so bound its size (LIMIT);
// the rows stay valid until the statement runs again.
class MysqlStatement {
public:
    MysqlStatement(MysqlStatement&&) noexcept;
    MysqlStatement& operator=(MysqlStatement&&) noexcept;
    ~MysqlStatement();

    // A name the statement does not use is ignored, so one set of values
    // serves several statements.
    MysqlStatement& bind(std::string_view name, std::int64_t value);
    MysqlStatement& bind_text(std::string_view name, std::string_view value);
    MysqlStatement& bind_null(std::string_view name);

    MysqlRows query();
    // A statement without rows; how many rows it changed.
    std::uint64_t run();

private:
    friend class MysqlConnection;
    struct Impl;
    MysqlStatement(MysqlConnection& connection, std::unique_ptr<Impl> impl);
    std::vector<unsigned> positions(std::string_view name) const;
    void check_all_bound() const;
    MysqlConnection* m_connection;
    std::unique_ptr<Impl> m_impl;
};

enum class MysqlTransactionKind {
    // START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY at REPEATABLE
    // READ: every statement reads the snapshot taken at the start.
    ReadOnlySnapshot,
    ReadWrite,
};

class MysqlConnection {
public:
    // Connects (and throws) right away. The URL's "socket" parameter selects
    // a Unix socket instead of host:port.
    MysqlConnection(const config::DatabaseUrl& url, const ConnectOptions& options);
    ~MysqlConnection();
    MysqlConnection(const MysqlConnection&) = delete;
    MysqlConnection& operator=(const MysqlConnection&) = delete;

    // The redacted URL: names the database in every error.
    const std::string& label() const { return m_label; }

    // One statement without parameters or rows.
    void exec(std::string_view sql);
    // One statement's rows, streamed from the server (constant memory). Until
    // they are read to the end or destroyed, nothing else may run on this
    // connection (the protocol's rule, "commands out of sync").
    MysqlRows query(std::string_view sql);
    // `name` tells the statement apart in errors ("account_traits failed: ...").
    MysqlStatement prepare(std::string_view sql, std::string_view name = "query");

    void begin(MysqlTransactionKind kind);
    void commit();
    void rollback();

    bool has_table(const std::string& table);
    bool has_column(const std::string& table, const std::string& column);

    // Throws core::DatabaseError for a connector exception (any other
    // exception as well), ConnectionLost when the connection is gone.
    [[noreturn]] void fail(std::string_view what, const std::exception& error) const;

private:
    friend class MysqlStatement;
    std::string m_label;
    std::unique_ptr<sql::Connection> m_connection;
};

// The SQL with each ":name" replaced by "?", and the names in order. Quoted
// text, quoted identifiers, comments and "::"/":=" are left alone.
struct NamedParameters {
    std::string sql;
    std::vector<std::string> names;
};
NamedParameters rewrite_named_parameters(std::string_view sql);

}  // namespace ss::db
