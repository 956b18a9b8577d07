#include "db/postgresql.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::db {
namespace {

// A libpq connection-string value, quoted: 'it''s' is written 'it\'s'.
std::string conninfo_value(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string conninfo(const config::DatabaseUrl& url, const ConnectOptions& options) {
    std::string out;
    auto add = [&out](std::string_view key, std::string_view value) {
        out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, conninfo_value(value));
    };
    if (!url.host.empty()) add("host", url.host);
    if (url.port) add("port", std::to_string(*url.port));
    add("dbname", url.database);
    if (!url.user.empty()) add("user", url.user);
    const std::string& password = options.password ? *options.password : url.password;
    if (!password.empty()) add("password", password);
    // libpq takes whole seconds (and treats 1 as 2).
    add("connect_timeout", std::to_string(std::max(2L, std::lround(std::ceil(options.connect_timeout_seconds)))));
    add("application_name", options.application_name);
    // sslmode, sslrootcert, host (a socket directory), ...: libpq's own
    // keywords, passed as given; libpq names an unknown one.
    for (const auto& [key, value] : url.params) add(key, value);
    return out;
}

// The connection is gone (or was never made): a new one may succeed.
bool connection_lost(const std::exception& error, const pqxx::connection* connection) {
    if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) return true;
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
        const std::string& state = sql->sqlstate();
        // 08: connection exception; 57P01-03: administrator or crash shutdown.
        if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") return true;
    }
    return connection != nullptr && !connection->is_open();
}

// Server notices ("table does not exist, skipping") go to the debug log,
// not to stderr.
class NoticeToLog final : public pqxx::errorhandler {
public:
    explicit NoticeToLog(pqxx::connection_base& connection) : pqxx::errorhandler(connection) {}
    bool operator()(const char message[]) noexcept override {
        spdlog::debug("postgresql: {}", one_line(message));
        return false;
    }
};

std::vector<const char*> pointers(const PgParams& params) {
    std::vector<const char*> out;
    out.reserve(params.size());
    for (const auto& param : params) out.push_back(param ? param->c_str() : nullptr);
    return out;
}

// stream_to in libpqxx 6.4 takes tuples (std::array included) but no
// vectors: one writer per row width, picked at run time.
constexpr std::size_t k_max_copy_columns = 32;
using RowWriter = void (*)(pqxx::stream_to&, const std::vector<const char*>&);

template <std::size_t N>
void write_row(pqxx::stream_to& stream, const std::vector<const char*>& fields) {
    std::array<const char*, N> row{};
    std::copy_n(fields.begin(), N, row.begin());
    stream << row;
}

template <std::size_t... I>
constexpr std::array<RowWriter, sizeof...(I)> make_row_writers(std::index_sequence<I...>) {
    return {&write_row<I + 1>...};
}

constexpr auto k_row_writers = make_row_writers(std::make_index_sequence<k_max_copy_columns>{});

}  // namespace

// ------------------------------------------------------------------ results

struct PgResult::Impl {
    pqxx::result result;
    std::string label;
};

PgResult::PgResult() = default;
PgResult::PgResult(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
PgResult::~PgResult() = default;
PgResult::PgResult(const PgResult&) = default;
PgResult& PgResult::operator=(const PgResult&) = default;

std::size_t PgResult::size() const { return m_impl ? m_impl->result.size() : 0; }

bool PgRow::is_null(std::size_t column) const {
    return m_result->m_impl->result[static_cast<pqxx::result::size_type>(m_index)][static_cast<pqxx::row::size_type>(column)]
        .is_null();
}

std::string PgRow::text(std::size_t column) const {
    const auto field =
        m_result->m_impl->result[static_cast<pqxx::result::size_type>(m_index)][static_cast<pqxx::row::size_type>(column)];
    return field.is_null() ? std::string() : std::string(field.c_str(), field.size());
}

std::optional<std::string> PgRow::optional_text(std::size_t column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::int64_t PgRow::integer(std::size_t column) const {
    const auto& impl = *m_result->m_impl;
    const auto field = impl.result[static_cast<pqxx::result::size_type>(m_index)][static_cast<pqxx::row::size_type>(column)];
    try {
        return field.as<std::int64_t>();
    } catch (const std::exception& e) {
        throw core::DatabaseError(fmt::format("{}: column {} ({}) is not an integer: {}", impl.label, column + 1,
                                              field.name(), one_line(e.what())));
    }
}

std::optional<std::int64_t> PgRow::optional_integer(std::size_t column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

bool PgRow::boolean(std::size_t column) const {
    const auto& impl = *m_result->m_impl;
    const auto field = impl.result[static_cast<pqxx::result::size_type>(m_index)][static_cast<pqxx::row::size_type>(column)];
    try {
        return field.as<bool>();
    } catch (const std::exception& e) {
        throw core::DatabaseError(fmt::format("{}: column {} ({}) is not a boolean: {}", impl.label, column + 1,
                                              field.name(), one_line(e.what())));
    }
}

// --------------------------------------------------------------- connection

struct PgConnection::Impl {
    std::unique_ptr<pqxx::connection> connection;
    std::unique_ptr<NoticeToLog> notices;
    // The open transaction: an explicit one from begin(), or a
    // nontransaction (each statement commits by itself) made on demand.
    std::unique_ptr<pqxx::transaction_base> transaction;
    bool explicit_transaction = false;

    pqxx::transaction_base& work() {
        if (!transaction) transaction = std::make_unique<pqxx::nontransaction>(*connection);
        return *transaction;
    }
};

template <typename Body>
auto PgConnection::guarded(std::string_view what, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const core::Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

void PgConnection::fail(std::string_view what, const std::exception& error) const {
    const pqxx::connection* connection = m_impl ? m_impl->connection.get() : nullptr;
    const auto kind = connection_lost(error, connection) ? core::ErrorKind::ConnectionLost : core::ErrorKind::Database;
    throw core::DatabaseError(fmt::format("{}: {}: {}", m_label, what, one_line(error.what())), kind);
}

PgConnection::PgConnection(const config::DatabaseUrl& url, const ConnectOptions& options)
    : m_label(url.redacted()), m_impl(std::make_unique<Impl>()) {
    guarded("cannot connect", [&] {
        m_impl->connection = std::make_unique<pqxx::connection>(conninfo(url, options));
        m_impl->notices = std::make_unique<NoticeToLog>(*m_impl->connection);
    });
    exec("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'");
}

PgConnection::~PgConnection() {
    // Abort quietly: a transaction still open here is abandoned on purpose
    // (or the connection is already gone).
    if (m_impl->transaction) {
        try {
            m_impl->transaction->abort();
        } catch (const std::exception&) {
        }
    }
}

void PgConnection::exec(std::string_view sql) {
    guarded("statement failed", [&] { m_impl->work().exec(std::string(sql)); });
}

PgResult PgConnection::query(std::string_view sql, const PgParams& params) {
    return guarded("query failed", [&] {
        const auto values = pointers(params);
        auto result = m_impl->work().exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(values));
        return PgResult(std::make_shared<const PgResult::Impl>(PgResult::Impl{std::move(result), m_label}));
    });
}

void PgConnection::prepare(const std::string& name, std::string_view sql) {
    guarded(fmt::format("cannot prepare {}", name), [&] { m_impl->connection->prepare(name, std::string(sql)); });
}

PgResult PgConnection::execute(const std::string& name, const PgParams& params) {
    return guarded(fmt::format("{} failed", name), [&] {
        const auto values = pointers(params);
        auto result = m_impl->work().exec_prepared(name, pqxx::prepare::make_dynamic_params(values));
        return PgResult(std::make_shared<const PgResult::Impl>(PgResult::Impl{std::move(result), m_label}));
    });
}

void PgConnection::begin(PgTransactionKind kind) {
    if (m_impl->explicit_transaction) {
        throw core::Error(core::ErrorKind::Internal, m_label + ": begin() inside an open transaction");
    }
    guarded("cannot begin a transaction", [&] {
        m_impl->transaction.reset();
        if (kind == PgTransactionKind::ReadOnlySnapshot) {
            m_impl->transaction =
                std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*m_impl->connection);
        } else {
            m_impl->transaction = std::make_unique<pqxx::work>(*m_impl->connection);
        }
    });
    m_impl->explicit_transaction = true;
}

std::string PgConnection::export_snapshot() {
    const auto result = query("SELECT pg_export_snapshot()");
    return result.row(0).text(0);
}

void PgConnection::join_snapshot(const std::string& snapshot) {
    // The server names snapshots with hex digits and dashes ("00000003-0000001B-1").
    const bool plain = !snapshot.empty() && std::all_of(snapshot.begin(), snapshot.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
    });
    if (!plain) throw core::Error(core::ErrorKind::Internal, m_label + ": unexpected snapshot name '" + snapshot + "'");
    exec("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
}

void PgConnection::commit() {
    if (!m_impl->explicit_transaction) return;
    m_impl->explicit_transaction = false;
    auto transaction = std::move(m_impl->transaction);
    guarded("commit failed", [&] { transaction->commit(); });
}

void PgConnection::rollback() {
    if (!m_impl->explicit_transaction) return;
    m_impl->explicit_transaction = false;
    auto transaction = std::move(m_impl->transaction);
    guarded("rollback failed", [&] { transaction->abort(); });
}

bool PgConnection::in_transaction() const { return m_impl->explicit_transaction; }

// pg_catalog rather than information_schema: the latter hides the columns
// of tables the user may not read, which would turn "permission denied"
// into a misleading "missing column".
bool PgConnection::has_table(const std::string& table) {
    const auto result = query(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c WHERE c.oid = to_regclass(quote_ident($1)) "
        "AND c.relkind IN ('r', 'v', 'm', 'p', 'f'))",
        {table});
    return result.row(0).boolean(0);
}

bool PgConnection::has_column(const std::string& table, const std::string& column) {
    const auto result = query(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS a WHERE a.attrelid = to_regclass(quote_ident($1)) "
        "AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped)",
        {table, column});
    return result.row(0).boolean(0);
}

// -------------------------------------------------------------------- COPY

struct PgCopyIn::Impl {
    std::unique_ptr<pqxx::stream_to> stream;
    std::size_t columns = 0;
    std::string table;
};

PgCopyIn PgConnection::copy_in(const std::string& table, const std::vector<std::string>& columns) {
    if (columns.empty() || columns.size() > k_max_copy_columns) {
        throw core::Error(core::ErrorKind::Internal,
                          fmt::format("{}: COPY {} with {} columns (1 to {})", m_label, table, columns.size(),
                                      k_max_copy_columns));
    }
    auto impl = std::make_unique<PgCopyIn::Impl>();
    impl->columns = columns.size();
    impl->table = table;
    guarded(fmt::format("cannot start COPY {}", table),
            [&] { impl->stream = std::make_unique<pqxx::stream_to>(m_impl->work(), table, columns); });
    return PgCopyIn(*this, std::move(impl));
}

PgCopyIn::PgCopyIn(PgConnection& connection, std::unique_ptr<Impl> impl)
    : m_connection(&connection), m_impl(std::move(impl)) {}
PgCopyIn::PgCopyIn(PgCopyIn&&) noexcept = default;
PgCopyIn::~PgCopyIn() = default;

void PgCopyIn::add_row(const PgParams& fields) {
    if (fields.size() != m_impl->columns) {
        throw core::Error(core::ErrorKind::Internal, fmt::format("{}: COPY {}: a row of {} fields for {} columns",
                                                                 m_connection->label(), m_impl->table, fields.size(),
                                                                 m_impl->columns));
    }
    const auto values = pointers(fields);
    m_connection->guarded(fmt::format("COPY {} failed", m_impl->table),
                          [&] { k_row_writers[fields.size() - 1](*m_impl->stream, values); });
}

void PgCopyIn::complete() {
    m_connection->guarded(fmt::format("COPY {} failed", m_impl->table), [&] { m_impl->stream->complete(); });
}

}  // namespace ss::db
