#include "db/sqlite.hpp"

#include "core/error.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace ss::db {

void SqliteDb::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteDb::SqliteDb(const std::string& path, Mode mode, std::string label) : m_label(std::move(label)) {
    int flags = SQLITE_OPEN_NOMUTEX;
    std::string target = path;
    switch (mode) {
        case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
        case Mode::Immutable: {
            flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
            target = "file:";
            for (char c : path) {
                // A URI path: percent-encode what would end or confuse it.
                if (c == '%' || c == '?' || c == '#') {
                    target += fmt::format("%{:02X}", static_cast<unsigned char>(c));
                } else {
                    target += c;
                }
            }
            target += "?immutable=1";
            break;
        }
        case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
        case Mode::Create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(target.c_str(), &raw, flags, nullptr);
    m_db.reset(raw);
    if (rc != SQLITE_OK) {
        const std::string reason = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw core::DatabaseError(fmt::format("{}: cannot open database: {}", m_label, reason));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 10'000);  // the app may be writing: wait for its lock, not fail
}

SqliteDb::~SqliteDb() = default;

void SqliteDb::fail(std::string_view what) const {
    throw core::DatabaseError(fmt::format("{}: {}: {}", m_label, what, sqlite3_errmsg(m_db.get())));
}

void SqliteDb::exec(std::string_view sql) {
    const std::string text(sql);
    if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        fail(fmt::format("'{}' failed", text.substr(0, 60)));
    }
}

SqliteStatement SqliteDb::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
        fail("cannot prepare query");
    }
    return SqliteStatement(this, stmt);
}

bool SqliteDb::has_table(const std::string& name) {
    auto stmt = prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1");
    stmt.bind_text(1, name);
    return stmt.step();
}

bool SqliteDb::has_column(const std::string& table, const std::string& column) {
    auto stmt = prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
    stmt.bind_text(1, table).bind_text(2, column);
    return stmt.step();
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        other.m_stmt = nullptr;
    }
    return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(m_stmt); }

int SqliteStatement::index_of(std::string_view name) const {
    return sqlite3_bind_parameter_index(m_stmt, std::string(name).c_str());
}

void SqliteStatement::check_bind(int rc, std::string_view what) const {
    if (rc != SQLITE_OK) m_db->fail(fmt::format("cannot bind {}", what));
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(m_stmt, index, value), "an integer");
    return *this;
}

SqliteStatement& SqliteStatement::bind_text(int index, std::string_view value) {
    check_bind(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
               "a text");
    return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::string_view value) {
    // An empty view has no data pointer, which sqlite3_bind_blob would bind as NULL.
    check_bind(value.empty() ? sqlite3_bind_zeroblob(m_stmt, index, 0)
                             : sqlite3_bind_blob(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
               "a blob");
    return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
    check_bind(sqlite3_bind_null(m_stmt, index), "a null");
    return *this;
}

SqliteStatement& SqliteStatement::bind(std::string_view name, std::int64_t value) {
    if (const int i = index_of(name)) bind(i, value);
    return *this;
}

SqliteStatement& SqliteStatement::bind_text(std::string_view name, std::string_view value) {
    if (const int i = index_of(name)) bind_text(i, value);
    return *this;
}

SqliteStatement& SqliteStatement::bind_blob(std::string_view name, std::string_view value) {
    if (const int i = index_of(name)) bind_blob(i, value);
    return *this;
}

SqliteStatement& SqliteStatement::bind_null(std::string_view name) {
    if (const int i = index_of(name)) bind_null(i);
    return *this;
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_db->fail("query failed");
}

void SqliteStatement::run() {
    while (step()) {
    }
    reset();
}

void SqliteStatement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

bool SqliteStatement::is_integer(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_INTEGER; }

std::int64_t SqliteStatement::column_int(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::string SqliteStatement::column_bytes(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<std::string> SqliteStatement::column_optional_bytes(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_bytes(column);
}

std::optional<std::int64_t> SqliteStatement::column_optional_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_int(column);
}

}  // namespace ss::db
