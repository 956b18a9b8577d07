#pragma once
// A thin layer over libpqxx, shared by the PostgreSQL source, the demo writer
// and (later) a PostgreSQL checkpoint store. <pqxx/...> stays in
// postgresql.cpp. Every failure throws core::DatabaseError
// "<redacted URL>: <what>: <server message on one line>"; when the connection
// is gone (refused, broken, terminated by an administrator) its kind is
// ConnectionLost, so the caller may reconnect.
//
// Values travel as PostgreSQL's text form both ways (uuid "8-4-4-4-12",
// boolean "t"/"f", timestamps "YYYY-MM-DD HH:MM:SS.ffffff"); parameters are
// $1, $2, ... with the type given by a cast in the SQL ($1::uuid).

#include "db/server.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ss::config {
struct DatabaseUrl;
}

namespace ss::db {

// One statement parameter: its text, or NULL.
using PgParam = std::optional<std::string>;
using PgParams = std::vector<PgParam>;

class PgResult;

// One row of a PgResult; valid while the result is.
class PgRow {
public:
    bool is_null(std::size_t column) const;
    // The value's text; "" for NULL.
    std::string text(std::size_t column) const;
    std::optional<std::string> optional_text(std::size_t column) const;
    // Throws core::DatabaseError when the value is not an integer (or NULL).
    std::int64_t integer(std::size_t column) const;
    std::optional<std::int64_t> optional_integer(std::size_t column) const;
    bool boolean(std::size_t column) const;

private:
    friend class PgResult;
    PgRow(const PgResult& result, std::size_t index) : m_result(&result), m_index(index) {}
    const PgResult* m_result;
    std::size_t m_index;
};

// A query's whole result, held in memory (bound it with LIMIT).
class PgResult {
public:
    PgResult();
    ~PgResult();
    PgResult(const PgResult&);
    PgResult& operator=(const PgResult&);

    std::size_t size() const;
    bool empty() const { return size() == 0; }
    PgRow row(std::size_t index) const { return PgRow(*this, index); }

    class Iterator {
    public:
        PgRow operator*() const { return m_result->row(m_index); }
        Iterator& operator++() {
            ++m_index;
            return *this;
        }
        bool operator==(const Iterator&) const = default;

    private:
        friend class PgResult;
        Iterator(const PgResult* result, std::size_t index) : m_result(result), m_index(index) {}
        const PgResult* m_result;
        std::size_t m_index;
    };
    Iterator begin() const { return {this, 0}; }
    Iterator end() const { return {this, size()}; }

private:
    friend class PgConnection;
    friend class PgRow;
    struct Impl;
    explicit PgResult(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> m_impl;
};

enum class PgTransactionKind {
    // READ ONLY, REPEATABLE READ: every statement sees the snapshot taken at
    // the first one, and nothing can be written by mistake.
    ReadOnlySnapshot,
    ReadWrite,
};

class PgCopyIn;

class PgConnection {
public:
    // Connects (and throws) right away. Sessions run in UTC with ISO dates,
    // whatever the server's defaults.
    PgConnection(const config::DatabaseUrl& url, const ConnectOptions& options);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // The redacted URL: names the database in every error.
    const std::string& label() const { return m_label; }

    // One or more statements, no parameters, results discarded.
    void exec(std::string_view sql);
    PgResult query(std::string_view sql, const PgParams& params = {});
    // Prepared statements live as long as the connection; prepare once, run often.
    void prepare(const std::string& name, std::string_view sql);
    PgResult execute(const std::string& name, const PgParams& params = {});

    // Outside begin()/commit() every statement commits by itself.
    void begin(PgTransactionKind kind);
    void commit();
    void rollback();
    bool in_transaction() const;

    // Inside a ReadOnlySnapshot transaction: its snapshot, for other
    // connections to join (pg_export_snapshot). Valid until this
    // transaction ends.
    std::string export_snapshot();
    // As the first statement after begin(ReadOnlySnapshot): read the snapshot
    // another connection exported, so both see exactly the same data.
    void join_snapshot(const std::string& snapshot);

    bool has_table(const std::string& table);
    bool has_column(const std::string& table, const std::string& column);

    // COPY table (columns) FROM STDIN. No other statement may run on this
    // connection until the copy is completed or destroyed.
    PgCopyIn copy_in(const std::string& table, const std::vector<std::string>& columns);

private:
    friend class PgCopyIn;
    struct Impl;
    // Runs `body` and turns any library exception into core::DatabaseError.
    template <typename Body>
    auto guarded(std::string_view what, Body&& body) -> decltype(body());
    [[noreturn]] void fail(std::string_view what, const std::exception& error) const;

    std::string m_label;
    std::unique_ptr<Impl> m_impl;
};

// Rows for COPY ... FROM STDIN, each field as text (or NULL); the library
// escapes them for COPY's text format.
class PgCopyIn {
public:
    PgCopyIn(PgCopyIn&&) noexcept;
    ~PgCopyIn();

    void add_row(const PgParams& fields);
    // Ends the COPY and reports its errors; required before the connection is used again.
    void complete();

private:
    friend class PgConnection;
    struct Impl;
    PgCopyIn(PgConnection& connection, std::unique_ptr<Impl> impl);
    PgConnection* m_connection;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ss::db
