#include "servers.hpp"

#include "config/database_url.hpp"
#include "db/mysql.hpp"
#include "db/postgresql.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace ss::test {
namespace {

const char* env_name(Server server) {
    return server == Server::Postgresql ? "SNAPSHOT_SYNC_TEST_POSTGRESQL_URL" : "SNAPSHOT_SYNC_TEST_MYSQL_URL";
}

// A variable services.sh's env lines set; throws, failing the test, when not set.
std::string required_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(fmt::format(
            "{} is not set: start the test servers with 'scripts/services.sh start' and "
            "'eval \"$(scripts/services.sh env)\"' (database tests are never skipped)",
            name));
    }
    return value;
}

// "ss_<pid>_<n>_<random>": unique across concurrent test processes.
std::string unique_name() {
    static std::atomic<int> counter{0};
    std::random_device random;
    return fmt::format("ss_{}_{}_{:04x}", ::getpid(), ++counter, random() & 0xffff);
}

void exec_on(Server server, const std::string& url, const std::vector<std::string>& statements) {
    const auto parsed = config::DatabaseUrl::parse(url, "test");
    if (server == Server::Postgresql) {
        db::PgConnection connection(parsed, {});
        for (const auto& s : statements) connection.exec(s);
    } else {
        db::MysqlConnection connection(parsed, {});
        for (const auto& s : statements) connection.exec(s);
    }
}

}  // namespace

std::string server_name(Server server) { return server == Server::Postgresql ? "postgresql" : "mysql"; }

void PrintTo(Server server, std::ostream* out) { *out << server_name(server); }

std::string server_url(Server server) { return required_env(env_name(server)); }

// The URLs here are the simple ones services.sh prints: scheme://user:password@host:port/database.
std::string with_database(const std::string& url, const std::string& database) {
    return url.substr(0, url.rfind('/') + 1) + database;
}

std::string with_credentials(const std::string& url, const std::string& user, const std::string& password) {
    const auto scheme_end = url.find("://") + 3;
    const auto at = url.find('@', scheme_end);
    return url.substr(0, scheme_end) + user + (password.empty() ? "" : ":" + password) + url.substr(at);
}

// ------------------------------------------------------------- ScratchDatabase

ScratchDatabase::ScratchDatabase(Server server) : ScratchDatabase(server, server_url(server)) {}

ScratchDatabase::ScratchDatabase(Server server, const std::string& admin_url)
    : m_server(server), m_admin_url(admin_url), m_name(unique_name()), m_url(with_database(admin_url, m_name)) {
    admin({server == Server::Postgresql ? fmt::format("CREATE DATABASE {}", m_name)
                                        : fmt::format("CREATE DATABASE {} CHARACTER SET utf8mb4", m_name)});
}

ScratchDatabase::~ScratchDatabase() {
    try {
        if (m_server == Server::Postgresql) {
            admin({fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_name)});
            for (const auto& user : m_users) admin({fmt::format("DROP ROLE IF EXISTS {}", user)});
        } else {
            admin({fmt::format("DROP DATABASE IF EXISTS {}", m_name)});
            for (const auto& user : m_users) {
                admin({fmt::format("DROP USER IF EXISTS '{0}'@'127.0.0.1', '{0}'@'localhost'", user)});
            }
        }
    } catch (const std::exception&) {
        // A server killed by the test is gone with its databases.
    }
}

void ScratchDatabase::admin(const std::vector<std::string>& statements) const {
    exec_on(m_server, m_admin_url, statements);
}

void ScratchDatabase::exec(const std::vector<std::string>& statements) const { exec_on(m_server, m_url, statements); }

int ScratchDatabase::terminate_sessions() const {
    const auto parsed = config::DatabaseUrl::parse(m_admin_url, "test");
    int count = 0;
    if (m_server == Server::Postgresql) {
        db::PgConnection connection(parsed, {});
        const auto result = connection.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            {m_name});
        for (const auto row : result) count += row.boolean(0) ? 1 : 0;
    } else {
        db::MysqlConnection connection(parsed, {});
        std::vector<std::int64_t> ids;
        auto statement = connection.prepare(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = :db AND ID <> CONNECTION_ID()");
        statement.bind_text(":db", m_name);
        auto rows = statement.query();
        while (rows.next()) ids.push_back(rows.integer(0));
        for (const auto id : ids) {
            connection.exec(fmt::format("KILL CONNECTION {}", id));
            ++count;
        }
    }
    return count;
}

std::string ScratchDatabase::create_user_without_select(const std::string& password) {
    const std::string user = m_name + "_noread";
    m_users.push_back(user);
    if (m_server == Server::Postgresql) {
        admin({fmt::format("CREATE ROLE {} LOGIN PASSWORD '{}'", user, password),
               fmt::format("GRANT CONNECT ON DATABASE {} TO {}", m_name, user)});
    } else {
        // SELECT on one unrelated table only: enough to connect to the database.
        admin({fmt::format("CREATE USER '{0}'@'127.0.0.1' IDENTIFIED BY '{1}'", user, password),
               fmt::format("CREATE USER '{0}'@'localhost' IDENTIFIED BY '{1}'", user, password),
               fmt::format("GRANT SELECT ON {0}.cards TO '{1}'@'127.0.0.1', '{1}'@'localhost'", m_name, user)});
    }
    return with_credentials(m_url, user, password);
}

std::string ScratchDatabase::create_tls_only_user(const std::string& password) {
    const std::string user = m_name + "_tls";
    m_users.push_back(user);
    if (m_server == Server::Postgresql) {
        // services.sh's pg_hba.conf rejects members of tls_only without TLS.
        admin({fmt::format("CREATE ROLE {} LOGIN PASSWORD '{}'", user, password),
               fmt::format("GRANT CONNECT ON DATABASE {} TO {}", m_name, user),
               fmt::format("GRANT tls_only TO {}", user)});
        exec({fmt::format("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}", user)});
    } else {
        admin({fmt::format("CREATE USER '{0}'@'127.0.0.1' IDENTIFIED BY '{1}' REQUIRE SSL", user, password),
               fmt::format("GRANT SELECT ON {0}.* TO '{1}'@'127.0.0.1'", m_name, user)});
    }
    return with_credentials(m_url, user, password);
}

std::string server_tls_ca(Server server) {
    return required_env(server == Server::Postgresql ? "SNAPSHOT_SYNC_TEST_POSTGRESQL_CA"
                                                     : "SNAPSHOT_SYNC_TEST_MYSQL_CA");
}

// --------------------------------------------------------------- PrivateServer

PrivateServer::PrivateServer(Server server) : m_server(server), m_port(free_port()) {
    // Not a TempDir: that is mode 0700 under $TMPDIR, and the servers run as
    // the postgres and mysql users (services.sh opens it up).
    std::string pattern = "/tmp/ss-private-server-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_dir = pattern;
    script({"start", server_name(server)});
    const std::string scheme = server == Server::Postgresql ? "postgresql" : "mysql";
    m_url = fmt::format("{}://app:app_pw@127.0.0.1:{}/appdb", scheme, m_port);
}

PrivateServer::~PrivateServer() {
    try {
        script({"stop", server_name(m_server)});
    } catch (const std::exception&) {
    }
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

void PrivateServer::kill() { script({"kill", server_name(m_server)}); }

void PrivateServer::restart() { script({"restart", server_name(m_server)}); }

void PrivateServer::script(const std::vector<std::string>& args) const {
    ProcessOptions options;
    options.args = {SNAPSHOT_SYNC_SERVICES_SCRIPT};
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.env = {{"SNAPSHOT_SYNC_SERVICES_DIR", m_dir},
                   {m_server == Server::Postgresql ? "SNAPSHOT_SYNC_PG_PORT" : "SNAPSHOT_SYNC_MYSQL_PORT",
                    std::to_string(m_port)}};
    options.timeout = std::chrono::seconds(120);
    const auto r = run_process(options);
    if (r.exit_code != 0) {
        throw std::runtime_error(fmt::format("services.sh {} failed ({}): {}{}", fmt::join(args, " "), r.exit_code,
                                             r.out, r.err));
    }
}

// ------------------------------------------------------------------- helpers

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

void load_demo(const std::string& url, int accounts, int seed, const std::string& now) {
    const auto r = run_snapshot_sync({"demo-db", url, "--accounts", std::to_string(accounts), "--seed",
                                      std::to_string(seed), "--now", now, "--no-invalid-utf8"},
                                     {}, std::chrono::seconds(600));
    if (r.exit_code != 0) throw std::runtime_error("demo-db failed: " + r.err);
}

ProcessResult dry_run(const std::string& url, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& extra_env) {
    std::vector<std::string> full{"run", "--dry-run"};
    full.insert(full.end(), args.begin(), args.end());
    std::map<std::string, std::string> env{{"SNAPSHOT_SYNC_DATABASE_URL", url}, {"SNAPSHOT_SYNC_LOG_FORMAT", "text"}};
    for (const auto& [key, value] : extra_env) env[key] = value;
    return run_snapshot_sync(full, env, std::chrono::seconds(600));
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

}  // namespace ss::test
