#pragma once
// A thin RAII layer over the SQLite C API, shared by the SQLite source, the
// demo writer and the SQLite checkpoint store. <sqlite3.h> stays in
// sqlite.cpp; failures throw core::DatabaseError naming the file and what
// was being done.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ss::db {

class SqliteDb;

class SqliteStatement {
public:
    SqliteStatement(SqliteStatement&&) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) noexcept;
    ~SqliteStatement();

    // Binding by name (":after"); a name the statement does not use is ignored,
    // so one set of parameters serves several statements.
    SqliteStatement& bind(std::string_view name, std::int64_t value);
    SqliteStatement& bind_text(std::string_view name, std::string_view value);
    SqliteStatement& bind_blob(std::string_view name, std::string_view value);
    SqliteStatement& bind_null(std::string_view name);
    // Binding by 1-based position.
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind_text(int index, std::string_view value);
    SqliteStatement& bind_blob(int index, std::string_view value);
    SqliteStatement& bind_null(int index);

    // Advances; true while there is a row.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    void reset();

    bool is_null(int column) const;
    // SQLite keeps any type in any column: true only for a stored integer.
    bool is_integer(int column) const;
    std::int64_t column_int(int column) const;
    // Text or blob columns as bytes (no UTF-8 check).
    std::string column_bytes(int column) const;
    std::optional<std::string> column_optional_bytes(int column) const;
    std::optional<std::int64_t> column_optional_int(int column) const;

private:
    friend class SqliteDb;
    SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    int index_of(std::string_view name) const;
    void check_bind(int rc, std::string_view what) const;

    SqliteDb* m_db;
    sqlite3_stmt* m_stmt;
};

class SqliteDb {
public:
    // Immutable: read-only, and SQLite is told no one writes the file
    // meanwhile, so it needs no -shm file (a WAL database whose app is stopped,
    // in a directory the reader cannot write).
    enum class Mode { ReadOnly, Immutable, ReadWrite, Create };

    // `label` names the database in errors, e.g. "sqlite:demo.db".
    SqliteDb(const std::string& path, Mode mode, std::string label);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    void exec(std::string_view sql);
    SqliteStatement prepare(std::string_view sql);
    bool has_table(const std::string& name);
    bool has_column(const std::string& table, const std::string& column);

    const std::string& label() const { return m_label; }
    sqlite3* native() { return m_db.get(); }

    // Throws core::DatabaseError "<label>: <what>: <sqlite message>".
    [[noreturn]] void fail(std::string_view what) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    std::unique_ptr<sqlite3, Closer> m_db;
    std::string m_label;
};

}  // namespace ss::db
