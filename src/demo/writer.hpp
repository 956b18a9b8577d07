#pragma once
// Where demo data goes: one writer per database, fed a table at a time so
// that PostgreSQL's COPY and MySQL's multi-row INSERT can be used.

#include "core/time.hpp"
#include "core/uuid.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace ss::demo {

struct DateTime {
    core::Instant seconds;
    int micros = 0;  // 0..999999
};

// NULL, integer, text (bytes; may be invalid UTF-8 where the writer allows), id, boolean, datetime.
using Value = std::variant<std::nullptr_t, std::int64_t, std::string, core::Uuid, bool, DateTime>;

// "YYYY-MM-DD HH:MM:SS.ffffff": the text every database here reads as a datetime.
std::string render_datetime(const DateTime& value);

class DemoWriter {
public:
    virtual ~DemoWriter() = default;
    // Creates Fizzy's tables (and account_subscriptions when asked); the
    // target must not have them yet.
    virtual void create_schema(bool with_subscriptions) = 0;
    virtual void begin_table(const std::string& table, const std::vector<std::string>& columns) = 0;
    virtual void add_row(const std::vector<Value>& row) = 0;
    virtual void end_table() = 0;
    // Commits and refreshes the planner's statistics.
    virtual void finish() = 0;
    // Whether text may hold bytes that are not UTF-8 (SQLite only).
    virtual bool accepts_invalid_utf8() const = 0;
};

// The statements of a dialect's demo schema (sql/<dialect>/fizzy_schema.sql,
// plus fizzy_subscriptions.sql when asked), tables apart from indexes: a
// writer creates the tables, loads the rows, then builds the indexes, which
// is many times faster than keeping indexes up to date row by row.
struct SchemaStatements {
    std::vector<std::string> tables;
    std::vector<std::string> indexes;
};
SchemaStatements schema_statements(std::string_view dialect, bool with_subscriptions);

// A writer for a path (SQLite file) or database URL.
std::unique_ptr<DemoWriter> open_demo_writer(const std::string& target);

}  // namespace ss::demo
