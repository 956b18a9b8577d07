#include "demo/postgresql_writer.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "db/postgresql.hpp"
#include "source/embedded_sql.hpp"

#include <optional>

#include <fmt/format.h>

namespace ss::demo {
namespace {

// A value in PostgreSQL's text form, as COPY reads it.
db::PgParam to_text(const Value& value) {
    return std::visit(
        [](const auto& v) -> db::PgParam {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
                return std::nullopt;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                return std::string(v ? "t" : "f");
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, core::Uuid>) {
                return v.to_dashed();
            } else {
                return render_datetime(v);
            }
        },
        value);
}

class PostgresqlWriter final : public DemoWriter {
public:
    explicit PostgresqlWriter(const config::DatabaseUrl& url) : m_db(url, db::ConnectOptions{}) {
        m_db.begin(db::PgTransactionKind::ReadWrite);
    }

    void create_schema(bool with_subscriptions) override {
        if (m_db.has_table("accounts")) {
            throw core::UsageError(
                fmt::format("{}: already holds Fizzy tables; give an empty database", m_db.label()));
        }
        m_schema = schema_statements("postgresql", with_subscriptions);
        for (const auto& statement : m_schema.tables) m_db.exec(statement);
    }

    void begin_table(const std::string& table, const std::vector<std::string>& columns) override {
        m_copy.emplace(m_db.copy_in(table, columns));
    }

    void add_row(const std::vector<Value>& row) override {
        m_fields.clear();
        for (const auto& value : row) m_fields.push_back(to_text(value));
        m_copy->add_row(m_fields);
    }

    void end_table() override {
        m_copy->complete();
        m_copy.reset();
    }

    void finish() override {
        for (const auto& statement : m_schema.indexes) m_db.exec(statement);
        m_db.commit();
        m_db.exec("ANALYZE");
    }

    bool accepts_invalid_utf8() const override { return false; }

private:
    db::PgConnection m_db;
    SchemaStatements m_schema;
    std::optional<db::PgCopyIn> m_copy;
    db::PgParams m_fields;  // reused row after row
};

}  // namespace

std::unique_ptr<DemoWriter> open_postgresql_writer(const config::DatabaseUrl& url) {
    return std::make_unique<PostgresqlWriter>(url);
}

}  // namespace ss::demo
