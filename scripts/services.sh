#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and MariaDB 10.11 servers for tests and benchmarks:
# plain processes (no systemd) with their data under a directory in /tmp,
# listening on 127.0.0.1 only. Debian 12, run as root (PostgreSQL refuses
# root, so it runs as the postgres user through runuser).
#
# usage: services.sh start [postgresql|mysql]   fresh data directories, then start (both by default)
#        services.sh stop [postgresql|mysql]    clean shutdown (both by default)
#        services.sh kill postgresql|mysql      crash the server (immediate stop / SIGKILL), data kept
#        services.sh restart postgresql|mysql   start a stopped or crashed server again on its data
#        services.sh env                        the export lines the tests read
#
# Environment:
#   SNAPSHOT_SYNC_SERVICES_DIR   where data, sockets and logs go (default /tmp/snapshot-sync-services;
#                                keep it under /tmp: postgres and mysql must be able to traverse the
#                                path, so the directory itself is made world-traversable)
#   SNAPSHOT_SYNC_PG_PORT        PostgreSQL port (default 55432)
#   SNAPSHOT_SYNC_MYSQL_PORT     MariaDB port (default 33306)
#   SNAPSHOT_SYNC_MYSQL_BUFFER_POOL  InnoDB buffer pool (default 1G). InnoDB reads around the OS
#                                cache (O_DIRECT), so a pool smaller than the data makes the dry run
#                                disk-bound: on the 50k-account demo (3 GB in InnoDB) it took 15 min
#                                with 256M, 4-6.5 min with 1G and 78 s with 4G (warm); PostgreSQL,
#                                on the OS cache, 34 s. Raise it for benchmarks.
#
# Both serve TLS with a certificate for 127.0.0.1 from a throwaway CA (its
# certificate: $SNAPSHOT_SYNC_TEST_POSTGRESQL_CA, $SNAPSHOT_SYNC_TEST_MYSQL_CA);
# PostgreSQL lets members of the role tls_only in over TLS only.
#
# The test user app (password app_pw) owns the database appdb and may create
# and drop databases and users of its own: the tests make a fresh database
# each, and a user without privileges for the permission tests.
set -euo pipefail

BASE=${SNAPSHOT_SYNC_SERVICES_DIR:-/tmp/snapshot-sync-services}
PGPORT=${SNAPSHOT_SYNC_PG_PORT:-55432}
MYPORT=${SNAPSHOT_SYNC_MYSQL_PORT:-33306}
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=$BASE/pg
PGRUN=$BASE/pgrun
MYDATA=$BASE/mysql
MYRUN=$BASE/mysqlrun
MYCNF=$BASE/my.cnf

die() {
  echo "services.sh: $*" >&2
  exit 1
}

port_taken() {
  ss -Hltn "sport = :$1" | grep -q .
}

make_base() {
  mkdir -p "$BASE"
  chmod a+rx "$BASE"
}

require_root() {
  [ "$(id -u)" = 0 ] || die "run as root (the servers run as the postgres and mysql users)"
}

# A CA of the test's own and a server certificate signed by it, in DIR,
# owned by USER, so that the tests can connect with TLS and check the
# certificate (the CA: DIR/ca.pem). The certificate names 127.0.0.1 only, not
# localhost: a test connects to localhost to see the host name checked.
make_tls() {
  local dir=$1 owner=$2
  mkdir -p "$dir"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=snapshot-sync test CA" \
      -keyout "$dir/ca-key.pem" -out "$dir/ca.pem"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$dir/server-key.pem" -out "$dir/server.csr"
    printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
      -days 30 -extfile "$dir/server.ext" -out "$dir/server.pem"
  } >"$dir/openssl.log" 2>&1 || die "could not make the test TLS certificates; see $dir/openssl.log"
  chown -R "$owner:$owner" "$dir"
}

# ---------------------------------------------------------------- PostgreSQL

start_pg_server() {
  port_taken "$PGPORT" && die "port $PGPORT is already in use: set SNAPSHOT_SYNC_PG_PORT to a free port"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUN/pg.log" -w -t 60 \
    -o "-p $PGPORT -k $PGRUN -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c ssl=on -c ssl_cert_file=$PGRUN/tls/server.pem -c ssl_key_file=$PGRUN/tls/server-key.pem" \
    start >/dev/null || die "PostgreSQL did not start; see $PGRUN/pg.log"
}

start_pg() {
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 is not installed ($PGBIN/initdb missing)"
  port_taken "$PGPORT" && die "port $PGPORT is already in use: set SNAPSHOT_SYNC_PG_PORT to a free port"
  stop_pg quiet
  make_base
  rm -rf "$PGDATA" "$PGRUN"
  mkdir -p "$PGDATA" "$PGRUN"
  chown postgres:postgres "$PGDATA" "$PGRUN"
  chmod 700 "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$PGRUN/initdb.log" 2>&1 || die "initdb failed; see $PGRUN/initdb.log"
  make_tls "$PGRUN/tls" postgres
  # Members of tls_only may connect over TLS only (what MariaDB's REQUIRE SSL does).
  sed -i '0,/^host /s//hostnossl all +tls_only 127.0.0.1\/32 reject\n&/' "$PGDATA/pg_hba.conf"
  grep -q '^hostnossl all +tls_only' "$PGDATA/pg_hba.conf" || die "could not add the tls_only rule to pg_hba.conf"
  start_pg_server
  psql -h "$PGRUN" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE app LOGIN PASSWORD 'app_pw' CREATEDB CREATEROLE" \
    -c "CREATE ROLE tls_only NOLOGIN" -c "GRANT tls_only TO app WITH ADMIN OPTION" \
    -c "CREATE DATABASE appdb OWNER app" >/dev/null
  echo "postgresql $(head -1 "$PGDATA/postmaster.pid") on 127.0.0.1:$PGPORT"
}

stop_pg() {
  [ -f "$PGDATA/postmaster.pid" ] || return 0
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  [ "${1:-}" = quiet ] || echo "postgresql stopped"
}

kill_pg() {
  [ -f "$PGDATA/postmaster.pid" ] || die "postgresql is not running under $BASE"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 60 stop >/dev/null
  echo "postgresql killed"
}

restart_pg() {
  [ -d "$PGDATA" ] || die "no PostgreSQL data under $BASE: use start"
  [ -f "$PGDATA/postmaster.pid" ] && die "postgresql is already running under $BASE"
  start_pg_server
  echo "postgresql $(head -1 "$PGDATA/postmaster.pid") on 127.0.0.1:$PGPORT"
}

# ------------------------------------------------------------------- MariaDB

my_pid() {
  cat "$MYRUN/mysqld.pid" 2>/dev/null || true
}

# kill -0 also succeeds on a zombie: look at /proc's state.
wait_gone() {
  local pid=$1 st
  for _ in $(seq 1 600); do
    st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    { [ -z "$st" ] || [ "$st" = Z ]; } && return 0
    sleep 0.1
  done
  return 1
}

start_my_server() {
  port_taken "$MYPORT" && die "port $MYPORT is already in use: set SNAPSHOT_SYNC_MYSQL_PORT to a free port"
  # --defaults-file must come first; it keeps /etc/mysql/* out of the way.
  setsid /usr/sbin/mariadbd --defaults-file="$MYCNF" </dev/null >>"$MYRUN/stdout.log" 2>&1 &
  for _ in $(seq 1 300); do
    mariadb-admin --defaults-file="$MYCNF" -uroot --connect-timeout=1 ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "MariaDB did not start; see $MYRUN/error.log"
}

start_my() {
  command -v mariadb-install-db >/dev/null || die "MariaDB is not installed (mariadb-install-db missing)"
  port_taken "$MYPORT" && die "port $MYPORT is already in use: set SNAPSHOT_SYNC_MYSQL_PORT to a free port"
  stop_my quiet
  make_base
  rm -rf "$MYDATA" "$MYRUN"
  mkdir -p "$MYDATA" "$MYRUN"
  chown mysql:mysql "$MYDATA" "$MYRUN"
  make_tls "$MYRUN/tls" mysql
  cat >"$MYCNF" <<CNF
[client-server]
port = $MYPORT
socket = $MYRUN/mysqld.sock
[mysqld]
user = mysql
datadir = $MYDATA
pid-file = $MYRUN/mysqld.pid
log-error = $MYRUN/error.log
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_buffer_pool_size = ${SNAPSHOT_SYNC_MYSQL_BUFFER_POOL:-1G}
innodb_flush_log_at_trx_commit = 2
max_connections = 300
ssl-ca = $MYRUN/tls/ca.pem
ssl-cert = $MYRUN/tls/server.pem
ssl-key = $MYRUN/tls/server-key.pem
CNF
  mariadb-install-db --defaults-file="$MYCNF" --auth-root-authentication-method=normal --skip-test-db \
    >"$MYRUN/install-db.log" 2>&1 || die "mariadb-install-db failed; see $MYRUN/install-db.log"
  start_my_server
  # app may create and drop databases and users of its own (tests need fresh
  # ones); on this throwaway server it simply gets every privilege.
  mariadb --defaults-file="$MYCNF" -uroot -e "
    CREATE DATABASE appdb CHARACTER SET utf8mb4;
    CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app_pw';
    CREATE USER 'app'@'localhost' IDENTIFIED BY 'app_pw';
    GRANT ALL PRIVILEGES ON *.* TO 'app'@'127.0.0.1', 'app'@'localhost' WITH GRANT OPTION;"
  echo "mariadb $(my_pid) on 127.0.0.1:$MYPORT"
}

stop_my() {
  local pid
  pid=$(my_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" || die "mariadbd $pid did not stop"
  rm -f "$MYRUN/mysqld.pid"
  [ "${1:-}" = quiet ] || echo "mariadb stopped"
}

kill_my() {
  local pid
  pid=$(my_pid)
  [ -n "$pid" ] || die "mariadb is not running under $BASE"
  kill -KILL "$pid"
  wait_gone "$pid" || die "mariadbd $pid did not die"
  rm -f "$MYRUN/mysqld.pid"
  echo "mariadb killed"
}

restart_my() {
  [ -d "$MYDATA" ] || die "no MariaDB data under $BASE: use start"
  [ -n "$(my_pid)" ] && die "mariadb is already running under $BASE"
  start_my_server
  echo "mariadb $(my_pid) on 127.0.0.1:$MYPORT"
}

# ---------------------------------------------------------------------------

print_env() {
  echo "export SNAPSHOT_SYNC_TEST_POSTGRESQL_URL=postgresql://app:app_pw@127.0.0.1:$PGPORT/appdb"
  echo "export SNAPSHOT_SYNC_TEST_MYSQL_URL=mysql://app:app_pw@127.0.0.1:$MYPORT/appdb"
  echo "export SNAPSHOT_SYNC_TEST_POSTGRESQL_CA=$PGRUN/tls/ca.pem"
  echo "export SNAPSHOT_SYNC_TEST_MYSQL_CA=$MYRUN/tls/ca.pem"
}

# Which servers a command applies to: both, or the one named.
servers() {
  case "${1:-both}" in
    both) echo "pg my" ;;
    postgresql | postgres | pg) echo pg ;;
    mysql | mariadb | my) echo my ;;
    *) die "unknown server '$1' (postgresql or mysql)" ;;
  esac
}

command=${1:-}
target=${2:-both}
case "$command" in
  start)
    require_root
    for s in $(servers "$target"); do "start_$s"; done
    ;;
  stop)
    require_root
    for s in $(servers "$target"); do "stop_$s"; done
    ;;
  kill | restart)
    require_root
    [ "$target" != both ] || die "$command needs a server: postgresql or mysql"
    for s in $(servers "$target"); do "${command}_$s"; done
    ;;
  env) print_env ;;
  *)
    echo "usage: $0 start|stop [postgresql|mysql] | kill|restart postgresql|mysql | env" >&2
    exit 2
    ;;
esac
