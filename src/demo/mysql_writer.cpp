#include "demo/mysql_writer.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "db/mysql.hpp"
#include "source/embedded_sql.hpp"

#include <fmt/format.h>

namespace ss::demo {
namespace {

// One INSERT stays well under max_allowed_packet (16 MiB by default).
constexpr std::size_t k_max_statement_bytes = 1 << 20;
constexpr std::size_t k_max_statement_rows = 2000;

void append_hex(std::string& out, std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    for (unsigned char b : bytes) {
        out += k_digits[b >> 4];
        out += k_digits[b & 0x0f];
    }
}

// A value as an SQL literal. Text and ids are hex literals, so no byte
// needs escaping; text carries the _utf8mb4 introducer so the server checks
// it as UTF-8 (and JSON columns accept it), ids stay binary.
void append_literal(std::string& out, const Value& value) {
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
                out += "NULL";
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? '1' : '0';
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += "_utf8mb4 X'";
                append_hex(out, v);
                out += '\'';
            } else if constexpr (std::is_same_v<T, core::Uuid>) {
                out += "X'";
                append_hex(out, v.raw());
                out += '\'';
            } else {
                out += '\'' + render_datetime(v) + '\'';
            }
        },
        value);
}

class MysqlWriter final : public DemoWriter {
public:
    explicit MysqlWriter(const config::DatabaseUrl& url) : m_db(url, db::ConnectOptions{}) {}

    void create_schema(bool with_subscriptions) override {
        if (m_db.has_table("accounts")) {
            throw core::UsageError(
                fmt::format("{}: already holds Fizzy tables; give an empty database", m_db.label()));
        }
        m_schema = schema_statements("mysql", with_subscriptions);
        for (const auto& statement : m_schema.tables) m_db.exec(statement);
    }

    void begin_table(const std::string& table, const std::vector<std::string>& columns) override {
        m_prefix = fmt::format("INSERT INTO {} ({}) VALUES ", table, fmt::join(columns, ", "));
        m_tables.push_back(table);
        m_db.begin(db::MysqlTransactionKind::ReadWrite);
    }

    void add_row(const std::vector<Value>& row) override {
        m_statement += m_rows == 0 ? m_prefix : ",";
        m_statement += '(';
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) m_statement += ',';
            append_literal(m_statement, row[i]);
        }
        m_statement += ')';
        if (++m_rows >= k_max_statement_rows || m_statement.size() >= k_max_statement_bytes) flush();
    }

    void end_table() override {
        flush();
        m_db.commit();
    }

    void finish() override {
        for (const auto& statement : m_schema.indexes) m_db.exec(statement);
        // ANALYZE TABLE answers with a row per table: read them off.
        auto rows = m_db.query(fmt::format("ANALYZE TABLE {}", fmt::join(m_tables, ", ")));
        while (rows.next()) {
        }
    }

    bool accepts_invalid_utf8() const override { return false; }

private:
    void flush() {
        if (m_rows == 0) return;
        m_db.exec(m_statement);
        m_statement.clear();
        m_rows = 0;
    }

    db::MysqlConnection m_db;
    SchemaStatements m_schema;
    std::string m_prefix;     // INSERT INTO table (columns) VALUES
    std::string m_statement;  // the INSERT being filled
    std::size_t m_rows = 0;   // rows in m_statement
    std::vector<std::string> m_tables;
};

}  // namespace

std::unique_ptr<DemoWriter> open_mysql_writer(const config::DatabaseUrl& url) {
    return std::make_unique<MysqlWriter>(url);
}

}  // namespace ss::demo
