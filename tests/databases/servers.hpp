#pragma once
// The database servers the database tests run against: PostgreSQL and
// MariaDB as scripts/services.sh starts them. Their URLs come from
// SNAPSHOT_SYNC_TEST_POSTGRESQL_URL and SNAPSHOT_SYNC_TEST_MYSQL_URL
// (`eval "$(scripts/services.sh env)"`); a test without its URL fails, it is
// never skipped. Every test works in a database of its own, created for it
// and dropped afterwards.

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ss::test {

enum class Server { Postgresql, Mysql };

// "postgresql" / "mysql": test names and messages.
std::string server_name(Server server);
// For gtest's parameter printing.
void PrintTo(Server server, std::ostream* out);

// The admin URL from the environment (user app, database appdb); throws,
// failing the test, when the variable is not set.
std::string server_url(Server server);

// The same URL with another database, or another user and password.
std::string with_database(const std::string& url, const std::string& database);
std::string with_credentials(const std::string& url, const std::string& user, const std::string& password);

// A fresh, empty database for one test, dropped (with any user it made) on
// destruction.
class ScratchDatabase {
public:
    explicit ScratchDatabase(Server server);
    // On another server than the environment's (a PrivateServer).
    ScratchDatabase(Server server, const std::string& admin_url);
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    Server server() const { return m_server; }
    const std::string& name() const { return m_name; }
    // The admin's credentials, this database.
    const std::string& url() const { return m_url; }
    const std::string& admin_url() const { return m_admin_url; }

    // Runs statements in this database as the admin, one call each.
    void exec(const std::vector<std::string>& statements) const;
    // Ends every other session connected to this database
    // (pg_terminate_backend / KILL CONNECTION); how many there were.
    int terminate_sessions() const;
    // A login that may connect but read none of Fizzy's tables; its URL.
    std::string create_user_without_select(const std::string& password);
    // A login that may read this database's tables (call it after loading
    // them) but is let in only over TLS (MariaDB: REQUIRE SSL; PostgreSQL:
    // a member of services.sh's tls_only role); its URL.
    std::string create_tls_only_user(const std::string& password);

private:
    void admin(const std::vector<std::string>& statements) const;

    Server m_server;
    std::string m_admin_url;
    std::string m_name;
    std::string m_url;
    std::vector<std::string> m_users;
};

// A server of its own, started with scripts/services.sh in a directory and
// on a port of its own, for tests that kill it; stopped on destruction.
// Needs root, like the script.
class PrivateServer {
public:
    explicit PrivateServer(Server server);
    ~PrivateServer();
    PrivateServer(const PrivateServer&) = delete;
    PrivateServer& operator=(const PrivateServer&) = delete;

    // The admin URL (user app, database appdb).
    const std::string& url() const { return m_url; }
    void kill();     // crash it: immediate shutdown / SIGKILL
    void restart();  // start it again on its data

private:
    void script(const std::vector<std::string>& args) const;

    Server m_server;
    std::string m_dir;
    int m_port = 0;
    std::string m_url;
};

// The CA certificate the test server's certificate is signed with
// (SNAPSHOT_SYNC_TEST_POSTGRESQL_CA, SNAPSHOT_SYNC_TEST_MYSQL_CA); throws,
// failing the test, when not set.
std::string server_tls_ca(Server server);

// A TCP port on 127.0.0.1 that nothing listens on (just now).
int free_port();

// `snapshot-sync demo-db URL --accounts N --seed S --now NOW --no-invalid-utf8`;
// throws when it fails.
void load_demo(const std::string& url, int accounts, int seed, const std::string& now);

// `snapshot-sync run --dry-run` against `url`, text logs.
ProcessResult dry_run(const std::string& url, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& extra_env = {});

// The non-empty lines of a text.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace ss::test
