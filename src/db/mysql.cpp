#include "db/mysql.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace ss::db {
namespace {

constexpr int k_default_port = 3306;

// Client and server error codes that mean the connection is gone: 2002/2003
// cannot connect, 2006 server has gone away, 2013/2055 lost connection
// during a query, 1053 server shutdown in progress, 1927 connection killed
// (MariaDB), 4031 disconnected for inactivity (MySQL 8).
bool is_connection_lost(int code) {
    static constexpr std::array k_codes{2002, 2003, 2006, 2013, 2055, 1053, 1927, 4031};
    return std::find(k_codes.begin(), k_codes.end(), code) != k_codes.end();
}

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Copies a quoted string or identifier starting at sql[i] (the quote) into
// out; returns the index after it. Backslash escapes and doubled quotes are
// both MySQL's.
std::size_t copy_quoted(std::string_view sql, std::size_t i, std::string& out) {
    const char quote = sql[i];
    out += sql[i++];
    while (i < sql.size()) {
        const char c = sql[i];
        out += c;
        ++i;
        if (c == '\\' && quote != '`' && i < sql.size()) {
            out += sql[i++];
        } else if (c == quote) {
            if (i < sql.size() && sql[i] == quote) {
                out += sql[i++];
            } else {
                break;
            }
        }
    }
    return i;
}

// Copies sql[i..] up to and including `end` (or the end of the text).
std::size_t copy_through(std::string_view sql, std::size_t i, std::string_view end, std::string& out) {
    const std::size_t stop = sql.find(end, i);
    const std::size_t next = stop == std::string_view::npos ? sql.size() : stop + end.size();
    out += sql.substr(i, next - i);
    return next;
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

// TLS, spelled as the mysql client spells it. ssl-mode: DISABLED (the
// default: the client library starts TLS only when asked), REQUIRED (encrypt;
// the certificate is checked against ssl-ca when one is given, as the mysql
// client does, else accepted as it is), VERIFY_CA or VERIFY_IDENTITY (encrypt,
// check the certificate against ssl-ca or the system's CAs and its name
// against the host: the MariaDB client library checks the two together, so
// both modes do both). ssl-ca without ssl-mode means VERIFY_IDENTITY;
// ssl-cert and ssl-key give a client certificate.
void add_tls_options(const config::DatabaseUrl& url, sql::ConnectOptionsMap& map) {
    const auto param = [&](const char* key) -> const std::string* {
        const auto it = url.params.find(key);
        return it == url.params.end() ? nullptr : &it->second;
    };
    const std::string* ca = param("ssl-ca");
    const std::string* cert = param("ssl-cert");
    const std::string* key = param("ssl-key");
    const std::string* mode_text = param("ssl-mode");
    const std::string mode = mode_text ? upper(*mode_text) : (ca ? "VERIFY_IDENTITY" : "DISABLED");
    if (mode != "DISABLED" && mode != "REQUIRED" && mode != "VERIFY_CA" && mode != "VERIFY_IDENTITY") {
        throw core::UsageError(fmt::format(
            "{}: ssl-mode must be DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY", url.redacted()));
    }
    if (mode == "DISABLED") {
        if (ca || cert || key) {
            throw core::UsageError(
                fmt::format("{}: ssl-ca, ssl-cert and ssl-key need an ssl-mode other than DISABLED", url.redacted()));
        }
        return;
    }
    if ((cert == nullptr) != (key == nullptr)) {
        throw core::UsageError(fmt::format("{}: ssl-cert and ssl-key go together", url.redacted()));
    }
    map["sslEnforce"] = true;
    map["sslVerify"] = mode != "REQUIRED";
    if (ca) map["sslCA"] = sql::SQLString(*ca);
    if (cert) map["sslCert"] = sql::SQLString(*cert);
    if (key) map["sslKey"] = sql::SQLString(*key);
}

sql::ConnectOptionsMap connect_options(const config::DatabaseUrl& url, const ConnectOptions& options) {
    static constexpr std::array k_params{"socket", "ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"};
    for (const auto& [key, value] : url.params) {
        if (std::find(k_params.begin(), k_params.end(), key) == k_params.end()) {
            throw core::UsageError(fmt::format(
                "{}: unknown mysql URL parameter '{}' (supported: socket, ssl-mode, ssl-ca, ssl-cert, ssl-key)",
                url.redacted(), key));
        }
    }
    sql::ConnectOptionsMap map;
    add_tls_options(url, map);
    if (auto socket = url.params.find("socket"); socket != url.params.end()) {
        map["hostName"] = sql::SQLString("unix://" + socket->second);
    } else {
        const bool v6 = url.host.find(':') != std::string::npos;
        map["hostName"] = sql::SQLString(
            fmt::format("tcp://{}:{}", v6 ? "[" + url.host + "]" : url.host, url.port.value_or(k_default_port)));
    }
    map["userName"] = sql::SQLString(url.user);
    map["password"] = sql::SQLString(options.password ? *options.password : url.password);
    map["schema"] = sql::SQLString(url.database);
    map["OPT_CONNECT_TIMEOUT"] = static_cast<int>(std::max(1L, std::lround(std::ceil(options.connect_timeout_seconds))));
    map["OPT_RECONNECT"] = false;
    map["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    map["CLIENT_MULTI_STATEMENTS"] = false;
    map["OPT_CONNECT_ATTR_ADD"] =
        std::map<sql::SQLString, sql::SQLString>{{"program_name", sql::SQLString(options.application_name)}};
    return map;
}

}  // namespace

NamedParameters rewrite_named_parameters(std::string_view sql) {
    NamedParameters out;
    out.sql.reserve(sql.size());
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (c == '\'' || c == '"' || c == '`') {
            i = copy_quoted(sql, i, out.sql);
        } else if ((c == '-' && next == '-') || c == '#') {
            i = copy_through(sql, i, "\n", out.sql);
        } else if (c == '/' && next == '*') {
            i = copy_through(sql, i, "*/", out.sql);
        } else if (c == ':' && (std::isalpha(static_cast<unsigned char>(next)) || next == '_') &&
                   (i == 0 || sql[i - 1] != ':')) {
            std::size_t end = i + 1;
            while (end < sql.size() && is_identifier_char(sql[end])) ++end;
            out.names.emplace_back(sql.substr(i + 1, end - i - 1));
            out.sql += '?';
            i = end;
        } else {
            out.sql += c;
            ++i;
        }
    }
    return out;
}

// ---------------------------------------------------------------- rows

struct MysqlRows::Impl {
    std::shared_ptr<sql::Statement> owner;  // outlives the result set
    std::unique_ptr<sql::ResultSet> rows;
};

MysqlRows::MysqlRows(const MysqlConnection& connection, std::unique_ptr<Impl> impl)
    : m_connection(&connection), m_impl(std::move(impl)) {}
MysqlRows::MysqlRows(MysqlRows&&) noexcept = default;
MysqlRows& MysqlRows::operator=(MysqlRows&&) noexcept = default;
MysqlRows::~MysqlRows() {
    if (!m_impl) return;
    try {
        m_impl->rows.reset();  // reads any rows left off the wire
    } catch (const std::exception&) {
    }
}

bool MysqlRows::next() {
    try {
        return m_impl->rows->next();
    } catch (const std::exception& e) {
        m_connection->fail("reading rows failed", e);
    }
}

bool MysqlRows::is_null(int column) const {
    try {
        return m_impl->rows->isNull(static_cast<std::uint32_t>(column + 1));
    } catch (const std::exception& e) {
        m_connection->fail(fmt::format("reading column {} failed", column + 1), e);
    }
}

std::string MysqlRows::bytes(int column) const {
    try {
        return m_impl->rows->getString(static_cast<std::uint32_t>(column + 1)).asStdString();
    } catch (const std::exception& e) {
        m_connection->fail(fmt::format("reading column {} failed", column + 1), e);
    }
}

std::optional<std::string> MysqlRows::optional_bytes(int column) const {
    if (is_null(column)) return std::nullopt;
    return bytes(column);
}

std::int64_t MysqlRows::integer(int column) const {
    try {
        return m_impl->rows->getInt64(static_cast<std::uint32_t>(column + 1));
    } catch (const std::exception& e) {
        m_connection->fail(fmt::format("reading column {} failed", column + 1), e);
    }
}

std::optional<std::int64_t> MysqlRows::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

// ----------------------------------------------------------- statements

struct MysqlStatement::Impl {
    std::shared_ptr<sql::PreparedStatement> statement;
    std::string name;                // for errors
    std::vector<std::string> names;  // parameter i + 1 is names[i]
    std::vector<bool> bound;
};

MysqlStatement::MysqlStatement(MysqlConnection& connection, std::unique_ptr<Impl> impl)
    : m_connection(&connection), m_impl(std::move(impl)) {}
MysqlStatement::MysqlStatement(MysqlStatement&&) noexcept = default;
MysqlStatement& MysqlStatement::operator=(MysqlStatement&&) noexcept = default;
MysqlStatement::~MysqlStatement() = default;

std::vector<unsigned> MysqlStatement::positions(std::string_view name) const {
    if (name.starts_with(':')) name.remove_prefix(1);
    std::vector<unsigned> out;
    for (std::size_t i = 0; i < m_impl->names.size(); ++i) {
        if (m_impl->names[i] == name) out.push_back(static_cast<unsigned>(i + 1));
    }
    return out;
}

MysqlStatement& MysqlStatement::bind(std::string_view name, std::int64_t value) {
    for (unsigned p : positions(name)) {
        try {
            m_impl->statement->setInt64(p, value);
        } catch (const std::exception& e) {
            m_connection->fail(fmt::format("cannot bind :{}", name), e);
        }
        m_impl->bound[p - 1] = true;
    }
    return *this;
}

MysqlStatement& MysqlStatement::bind_text(std::string_view name, std::string_view value) {
    for (unsigned p : positions(name)) {
        try {
            m_impl->statement->setString(p, sql::SQLString(std::string(value)));
        } catch (const std::exception& e) {
            m_connection->fail(fmt::format("cannot bind :{}", name), e);
        }
        m_impl->bound[p - 1] = true;
    }
    return *this;
}

MysqlStatement& MysqlStatement::bind_null(std::string_view name) {
    for (unsigned p : positions(name)) {
        try {
            m_impl->statement->setNull(p, 0);
        } catch (const std::exception& e) {
            m_connection->fail(fmt::format("cannot bind :{}", name), e);
        }
        m_impl->bound[p - 1] = true;
    }
    return *this;
}

void MysqlStatement::check_all_bound() const {
    for (std::size_t i = 0; i < m_impl->bound.size(); ++i) {
        if (!m_impl->bound[i]) {
            throw core::Error(core::ErrorKind::Internal,
                              fmt::format("{}: {}: parameter :{} is not bound", m_connection->label(), m_impl->name,
                                          m_impl->names[i]));
        }
    }
}

MysqlRows MysqlStatement::query() {
    check_all_bound();
    auto impl = std::make_unique<MysqlRows::Impl>();
    impl->owner = m_impl->statement;
    try {
        impl->rows.reset(m_impl->statement->executeQuery());
    } catch (const std::exception& e) {
        m_connection->fail(m_impl->name + " failed", e);
    }
    return MysqlRows(*m_connection, std::move(impl));
}

std::uint64_t MysqlStatement::run() {
    check_all_bound();
    try {
        return static_cast<std::uint64_t>(m_impl->statement->executeUpdate());
    } catch (const std::exception& e) {
        m_connection->fail(m_impl->name + " failed", e);
    }
}

// ----------------------------------------------------------- connection

MysqlConnection::MysqlConnection(const config::DatabaseUrl& url, const ConnectOptions& options)
    : m_label(url.redacted()) {
    auto map = connect_options(url, options);
    try {
        sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
        m_connection.reset(driver->connect(map));
    } catch (const std::exception& e) {
        fail("cannot connect", e);
    }
    exec("SET NAMES utf8mb4");
    exec("SET time_zone = '+00:00'");
}

MysqlConnection::~MysqlConnection() = default;

void MysqlConnection::fail(std::string_view what, const std::exception& error) const {
    int code = 0;
    if (const auto* sql_error = dynamic_cast<const sql::SQLException*>(&error)) code = sql_error->getErrorCode();
    bool lost = is_connection_lost(code) || m_connection == nullptr;
    if (!lost && code == 0) {
        try {
            lost = m_connection->isClosed();
        } catch (const std::exception&) {
            lost = true;
        }
    }
    const std::string suffix = code != 0 ? fmt::format(" (error {})", code) : "";
    throw core::DatabaseError(fmt::format("{}: {}: {}{}", m_label, what, one_line(error.what()), suffix),
                              lost ? core::ErrorKind::ConnectionLost : core::ErrorKind::Database);
}

void MysqlConnection::exec(std::string_view sql) {
    try {
        std::unique_ptr<sql::Statement> statement(m_connection->createStatement());
        statement->execute(sql::SQLString(std::string(sql)));
    } catch (const std::exception& e) {
        fail(fmt::format("'{}' failed", one_line(sql.substr(0, 60))), e);
    }
}

MysqlRows MysqlConnection::query(std::string_view sql) {
    auto impl = std::make_unique<MysqlRows::Impl>();
    try {
        impl->owner.reset(m_connection->createStatement());
        impl->owner->setResultSetType(sql::ResultSet::TYPE_FORWARD_ONLY);
        impl->rows.reset(impl->owner->executeQuery(sql::SQLString(std::string(sql))));
    } catch (const std::exception& e) {
        fail("query failed", e);
    }
    return MysqlRows(*this, std::move(impl));
}

MysqlStatement MysqlConnection::prepare(std::string_view sql, std::string_view name) {
    auto parsed = rewrite_named_parameters(sql);
    auto impl = std::make_unique<MysqlStatement::Impl>();
    impl->name = name;
    try {
        impl->statement.reset(m_connection->prepareStatement(sql::SQLString(parsed.sql)));
    } catch (const std::exception& e) {
        fail(fmt::format("cannot prepare {}", name), e);
    }
    impl->bound.assign(parsed.names.size(), false);
    impl->names = std::move(parsed.names);
    return MysqlStatement(*this, std::move(impl));
}

void MysqlConnection::begin(MysqlTransactionKind kind) {
    if (kind == MysqlTransactionKind::ReadOnlySnapshot) {
        // The snapshot is only consistent at REPEATABLE READ, whatever the server's default.
        exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    } else {
        exec("START TRANSACTION");
    }
}

void MysqlConnection::commit() { exec("COMMIT"); }

void MysqlConnection::rollback() { exec("ROLLBACK"); }

bool MysqlConnection::has_table(const std::string& table) {
    auto statement = prepare(
        "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table_name",
        "table lookup");
    statement.bind_text(":table_name", table);
    return statement.query().next();
}

bool MysqlConnection::has_column(const std::string& table, const std::string& column) {
    auto statement = prepare(
        "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table_name "
        "AND COLUMN_NAME = :column_name",
        "column lookup");
    statement.bind_text(":table_name", table).bind_text(":column_name", column);
    return statement.query().next();
}

}  // namespace ss::db
