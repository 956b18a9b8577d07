#include "demo/sqlite_writer.hpp"

#include "core/error.hpp"
#include "db/sqlite.hpp"
#include "source/embedded_sql.hpp"

#include <filesystem>
#include <optional>

#include <fmt/format.h>

namespace ss::demo {
namespace {

class SqliteWriter final : public DemoWriter {
public:
    explicit SqliteWriter(const std::string& path) : m_db(open(path)) {
        // A throwaway load: no journal, one transaction.
        m_db.exec("PRAGMA journal_mode = OFF");
        m_db.exec("PRAGMA synchronous = OFF");
        m_db.exec("PRAGMA cache_size = -262144");  // 256 MiB: index builds sort in memory
        m_db.exec("BEGIN");
    }

    void create_schema(bool with_subscriptions) override {
        if (m_db.has_table("accounts")) {
            throw core::UsageError(fmt::format("{}: already holds Fizzy tables; give a new file", m_db.label()));
        }
        m_schema = schema_statements("sqlite", with_subscriptions);
        for (const auto& statement : m_schema.tables) m_db.exec(statement);
    }

    void begin_table(const std::string& table, const std::vector<std::string>& columns) override {
        std::string names, marks;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            names += (i ? ", " : "") + columns[i];
            marks += (i ? ", ?" : "?");
        }
        m_insert.emplace(m_db.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", table, names, marks)));
    }

    void add_row(const std::vector<Value>& row) override {
        auto& stmt = *m_insert;
        for (std::size_t i = 0; i < row.size(); ++i) bind(stmt, static_cast<int>(i + 1), row[i]);
        stmt.run();
    }

    void end_table() override { m_insert.reset(); }

    void finish() override {
        for (const auto& statement : m_schema.indexes) m_db.exec(statement);
        m_db.exec("COMMIT");
        m_db.exec("ANALYZE");
        m_db.exec("PRAGMA journal_mode = WAL");  // as a Rails 8 app leaves it
    }

    bool accepts_invalid_utf8() const override { return true; }

private:
    static db::SqliteDb open(const std::string& path) {
        if (std::filesystem::exists(path)) {
            throw core::UsageError(fmt::format("{}: already exists; demo-db writes a new database", path));
        }
        return db::SqliteDb(path, db::SqliteDb::Mode::Create, "sqlite:" + path);
    }

    static void bind(db::SqliteStatement& stmt, int index, const Value& value) {
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) {
                    stmt.bind_null(index);
                } else if constexpr (std::is_same_v<T, std::int64_t>) {
                    stmt.bind(index, v);
                } else if constexpr (std::is_same_v<T, bool>) {
                    stmt.bind(index, v ? 1 : 0);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    stmt.bind_text(index, v);
                } else if constexpr (std::is_same_v<T, core::Uuid>) {
                    stmt.bind_blob(index, v.raw());
                } else {
                    stmt.bind_text(index, render_datetime(v));
                }
            },
            value);
    }

    db::SqliteDb m_db;
    SchemaStatements m_schema;
    std::optional<db::SqliteStatement> m_insert;
};

}  // namespace

std::unique_ptr<DemoWriter> open_sqlite_writer(const std::string& path) { return std::make_unique<SqliteWriter>(path); }

}  // namespace ss::demo
