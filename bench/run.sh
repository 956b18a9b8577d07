#!/usr/bin/env bash
# The benchmark of README "Performance": on the same Fizzy-shaped data in
# PostgreSQL, MariaDB and SQLite, at 10,000 and 100,000 accounts, in one run:
#
#   (a) floor       the job's own aggregate SQL (bench-floor-script) run by the
#                   database's own client (psql / mariadb / sqlite3), output
#                   discarded: what the database alone needs
#   (b) dry run     snapshot-sync run --dry-run > /dev/null
#       send        snapshot-sync run, sending to the fake Segment endpoint on
#                   127.0.0.1 with pacing off
#   (c) loop        the strategy it replaces: one prepared query per trait per
#                   account, on one connection (bench-per-account-loop)
#   (d) send path   group() JSON -> gzip -> HTTP without a database
#                   (bench-send-path), on one core
#
# and, at the largest size: PostgreSQL on one connection (parallel_reads 1);
# the optional events index (sql/*/optional/) with
# and without; the balance of 7 shards; --changed-only with 5% of accounts
# changed (PostgreSQL). Prints wall time, CPU time (user + system of the
# measured process; the database server's own CPU is not in it) and peak RSS
# of each, and the ratios b/a, c/b.
#
# usage: bench/run.sh [SIZES...]                (default: 10000 100000)
# Environment:
#   BENCH_DATABASES    which of "postgresql mysql sqlite" (default all three)
#   BENCH_BUILD_DIR    build directory (default build; configured and built here)
#   BENCH_EXTRAS       0 to skip the index, shard and change-detection rows
#   SNAPSHOT_SYNC_TEST_POSTGRESQL_URL / SNAPSHOT_SYNC_TEST_MYSQL_URL
#                      servers to use; unset, scripts/services.sh starts fresh
#                      ones (MariaDB with an 8G buffer pool unless
#                      SNAPSHOT_SYNC_MYSQL_BUFFER_POOL says otherwise) and
#                      stops them at the end
# Each size gets databases ss_perf_<N>, dropped at the end. Needs about
# 10 GB of disk at 100,000 accounts; takes about 40 minutes on 2 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
DATABASES=${BENCH_DATABASES:-postgresql mysql sqlite}
BUILD=${BENCH_BUILD_DIR:-build}
NOW=2026-11-20T08:00:00Z
WORK=$(mktemp -d /tmp/ss-perf-XXXXXX)
export PGOPTIONS="-c client_min_messages=warning"
export SEGMENT_WRITE_KEY=bench_write_key
export SNAPSHOT_SYNC_LOG_FORMAT=json
unset SNAPSHOT_SYNC_CONFIG SNAPSHOT_SYNC_DATABASE_URL SNAPSHOT_SYNC_CHECKPOINT SEGMENT_HOST

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

started_services=0
fake_pid=
cleanup() {
  [ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null || true
  [ "$started_services" = 0 ] || scripts/services.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ------------------------------------------------------------------ set-up

say "building ($BUILD)"
# The options spelled out: a build directory left by scripts/demo.sh has tests (fake-segment) and benchmarks off.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPSHOT_SYNC_BUILD_TESTS=ON \
  -DSNAPSHOT_SYNC_BUILD_BENCH=ON -DSNAPSHOT_SYNC_WITH_POSTGRESQL=ON -DSNAPSHOT_SYNC_WITH_MYSQL=ON >/dev/null
cmake --build "$BUILD" --target snapshot-sync fake-segment bench-send-path bench-per-account-loop bench-floor-script >/dev/null
BIN=$BUILD/snapshot-sync

if [ -z "${SNAPSHOT_SYNC_TEST_POSTGRESQL_URL:-}" ] || [ -z "${SNAPSHOT_SYNC_TEST_MYSQL_URL:-}" ]; then
  say "starting PostgreSQL and MariaDB"
  SNAPSHOT_SYNC_MYSQL_BUFFER_POOL=${SNAPSHOT_SYNC_MYSQL_BUFFER_POOL:-8G} scripts/services.sh start >/dev/null
  started_services=1
  eval "$(scripts/services.sh env)"
fi
PG_URL=$SNAPSHOT_SYNC_TEST_POSTGRESQL_URL
# The test PostgreSQL offers TLS, which libpq takes by default: measure the
# database, not encryption on loopback (MariaDB's client uses TLS only when
# asked). psql, snapshot-sync and the loop all read PGSSLMODE.
export PGSSLMODE=${PGSSLMODE:-disable}
MY_URL=$SNAPSHOT_SYNC_TEST_MYSQL_URL

# The mariadb client's options from mysql://user:password@host:port/db, the
# password in a file rather than on the command line.
my_rest=${MY_URL#mysql://}
my_creds=${my_rest%%@*}
my_hostport=${my_rest#*@}
my_hostport=${my_hostport%%/*}
cat >"$WORK/my.cnf" <<CNF
[client]
host=${my_hostport%%:*}
port=${my_hostport##*:}
user=${my_creds%%:*}
password=${my_creds#*:}
CNF
chmod 600 "$WORK/my.cnf"
my_client() { mariadb --defaults-extra-file="$WORK/my.cnf" "$@"; }
with_db() { echo "${1%/*}/$2"; }

# The fake Segment endpoint, counting only; exits by itself after 3 hours.
taskset -c 0 "$BUILD/fake-segment" --port 0 --count-only --max-lifetime 10800 >"$WORK/fake.out" 2>&1 &
fake_pid=$!
for _ in $(seq 1 100); do grep -q '^listening' "$WORK/fake.out" && break; sleep 0.05; done
FAKE_URL="http://$(sed -n 's/^listening //p' "$WORK/fake.out")"
[ "$FAKE_URL" != "http://" ] || die "fake-segment did not start: $(cat "$WORK/fake.out")"

# ---------------------------------------------------------------- measuring

# Runs a command or one of this script's functions (through bash -c, which
# sees the exported functions) under /usr/bin/time; sets WALL, CPU (user +
# system of the process and everything it waited for, s) and RSS (the largest
# peak of any of them, MB).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" bash -c '"$@"' measure "$@" || die "failed: $*"
  read -r WALL user sys rss_kb < <(tail -n 1 "$WORK/time")
  CPU=$(echo "$user + $sys" | bc)
  RSS=$(echo "scale=1; $rss_kb / 1024" | bc)
}

# Rows of the table: size database row wall cpu rss note
ROWS=()
row() { ROWS+=("$(printf '%8s  %-10s  %-30s %9.2f %9.2f %9.1f  %s' "$1" "$2" "$3" "$WALL" "$CPU" "$RSS" "${4:-}")"); }
RATIOS=()
ratio() { echo "scale=2; $1 / $2" | bc; }

url_for() {  # database db-name
  case $1 in
    sqlite) echo "sqlite:$WORK/$2.sqlite3" ;;
    postgresql) with_db "$PG_URL" "$2" ;;
    mysql) with_db "$MY_URL" "$2" ;;
  esac
}

create_db() {  # database db-name
  case $1 in
    sqlite) rm -f "$WORK/$2.sqlite3" ;;
    postgresql) psql "$PG_URL" -qX -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2" ;;
    mysql) my_client -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2 CHARACTER SET utf8mb4" ;;
  esac
}

drop_db() {  # database db-name
  case $1 in
    sqlite) rm -f "$WORK/$2.sqlite3" ;;
    postgresql) psql "$PG_URL" -qX -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" || true ;;
    mysql) my_client -e "DROP DATABASE IF EXISTS $2" || true ;;
  esac
}

# After loading, the statistics and visibility a database in service has
# (autovacuum and InnoDB's automatic statistics would get there by themselves).
settle() {  # database db-name
  case $1 in
    sqlite) sqlite3 "$WORK/$2.sqlite3" "ANALYZE" ;;
    postgresql) PGOPTIONS="-c client_min_messages=error" psql "$(with_db "$PG_URL" "$2")" -qX -c "VACUUM ANALYZE" ;;
    mysql) my_client "$2" -e "ANALYZE TABLE accounts, users, boards, events, account_storage_totals, account_storage_entries, webhooks, account_join_codes, account_entropies, account_subscriptions" >/dev/null ;;
  esac
}

# The database's own client running an SQL file, output discarded.
run_client() {  # database db-name sql-file
  case $1 in
    sqlite) sqlite3 "$WORK/$2.sqlite3" <"$3" >/dev/null ;;
    postgresql) psql "$(with_db "$PG_URL" "$2")" -X -q -v ON_ERROR_STOP=1 -f "$3" >/dev/null ;;
    mysql) my_client "$2" <"$3" >/dev/null ;;
  esac
}

optional_index() {  # database db-name add|drop
  local sql
  case $1,$3 in
    sqlite,add | postgresql,add | mysql,add) sql=$ROOT/sql/$1/optional/index_events_on_account_id_and_created_at.sql ;;
    sqlite,drop) echo "DROP INDEX index_events_on_account_id_and_created_at;" >"$WORK/drop.sql"; sql=$WORK/drop.sql ;;
    postgresql,drop) echo "DROP INDEX index_events_on_account_id_and_created_at;" >"$WORK/drop.sql"; sql=$WORK/drop.sql ;;
    mysql,drop) echo "DROP INDEX index_events_on_account_id_and_created_at ON events;" >"$WORK/drop.sql"; sql=$WORK/drop.sql ;;
  esac
  run_client "$1" "$2" "$sql"
  settle "$1" "$2"
}

dry_run() {  # url out [args...]
  local url=$1 out=$2
  shift 2
  SNAPSHOT_SYNC_DATABASE_URL=$url "$BIN" run --dry-run --as-of "$NOW" "$@" >"$out" 2>>"$WORK/run.err"
}

send_config() {  # url state-dir
  cat >"$WORK/send.toml" <<TOML
[database]
url = "$1"
[segment]
host = "$FAKE_URL"
messages_per_second = 0
requests_per_second = 0
[checkpoint]
location = "$2/checkpoint.json"
TOML
}

send_run() {  # url state-dir report [args...]
  local url=$1 state=$2 report=$3
  shift 3
  send_config "$url" "$state"
  "$BIN" run --config "$WORK/send.toml" --as-of "$NOW" --restart --report "$report" "$@" 2>>"$WORK/run.err"
}

json_field() {  # file dotted.key
  python3 -c 'import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value[key]
print(value)' "$@"
}

export WORK PG_URL MY_URL BIN NOW FAKE_URL
export -f say die my_client with_db run_client dry_run send_config send_run

largest=${SIZES[-1]}
for n in "${SIZES[@]}"; do
  db=ss_perf_$n
  for kind in $DATABASES; do
    url=$(url_for "$kind" "$db")
    say "$kind, $n accounts: loading"
    create_db "$kind" "$db"
    measure "$BIN" demo-db "$url" --accounts "$n" --seed 42 --now "$NOW" --no-invalid-utf8
    row "$n" "$kind" "load (demo-db)"
    settle "$kind" "$db"

    say "$kind, $n accounts: warming up"
    dry_run "$url" "$WORK/ids.ndjson"
    eligible=$(wc -l <"$WORK/ids.ndjson")
    "$BUILD/bench-floor-script" "$kind" --ids "$WORK/ids.ndjson" --as-of "$NOW" >"$WORK/floor.sql"
    run_client "$kind" "$db" "$WORK/floor.sql"

    say "$kind, $n accounts: (a) floor"
    measure run_client "$kind" "$db" "$WORK/floor.sql"
    row "$n" "$kind" "(a) floor: SQL in the client"
    a=$WALL

    say "$kind, $n accounts: (b) dry run"
    measure dry_run "$url" /dev/null
    row "$n" "$kind" "(b) dry run > /dev/null" "$eligible messages"
    b=$WALL
    eval "rss_dry_${kind}_$n=$RSS"

    say "$kind, $n accounts: (b) send"
    rm -rf "$WORK/state"
    measure send_run "$url" "$WORK/state" "$WORK/report.json"
    sent=$(json_field "$WORK/report.json" accounts.sent)
    [ "$sent" = "$eligible" ] || die "$kind: sent $sent of $eligible accounts"
    row "$n" "$kind" "(b) send to fake Segment" "$sent sent"
    b_send=$WALL
    eval "rss_send_${kind}_$n=$RSS"

    say "$kind, $n accounts: (c) per-account loop"
    measure "$BUILD/bench-per-account-loop" "$url" --as-of "$NOW" >/dev/null 2>"$WORK/loop.err"
    row "$n" "$kind" "(c) per-account loop" "$(tail -n 1 "$WORK/loop.err")"
    c=$WALL

    RATIOS+=("$(printf '%8s  %-10s  b/a %5s (dry run)  %5s (send)   c/b %6s' "$n" "$kind" \
      "$(ratio "$b" "$a")" "$(ratio "$b_send" "$a")" "$(ratio "$c" "$b")")")

    if [ "$n" = "$largest" ] && [ "${BENCH_EXTRAS:-1}" != 0 ]; then
      say "$kind, $n accounts: with the optional events index"
      optional_index "$kind" "$db" add
      run_client "$kind" "$db" "$WORK/floor.sql"
      measure run_client "$kind" "$db" "$WORK/floor.sql"
      row "$n" "$kind" "(a) floor, optional index"
      measure dry_run "$url" /dev/null
      row "$n" "$kind" "(b) dry run, optional index"
      optional_index "$kind" "$db" drop

      if [ "$kind" = postgresql ]; then
        say "$kind, $n accounts: one connection (database.parallel_reads = 1)"
        printf '[database]\nparallel_reads = 1\n' >"$WORK/serial.toml"
        measure dry_run "$url" /dev/null --config "$WORK/serial.toml"
        row "$n" "$kind" "(b) dry run, parallel_reads 1"

        say "$kind, $n accounts: 7 shards"
        counts=()
        for i in 0 1 2 3 4 5 6; do
          dry_run "$url" "$WORK/shard.ndjson" --shard "$i/7"
          counts+=("$(wc -l <"$WORK/shard.ndjson")")
        done
        SHARDS=$(python3 -c 'import sys
c = [int(x) for x in sys.argv[1:]]
mean = sum(c) / len(c)
worst = max(abs(x - mean) for x in c) / mean * 100
print(" + ".join(sys.argv[1:]), f"= {sum(c)}; mean {mean:.0f}, largest deviation from it {worst:.1f}%")' "${counts[@]}")

        say "$kind, $n accounts: --changed-only, 5% changed"
        rm -rf "$WORK/state"
        send_run "$url" "$WORK/state" "$WORK/day1.json" --changed-only
        state_kb=$(du -sk "$WORK/state" | cut -f1)
        # Day 2: about 5% of accounts (those whose id's last byte is below 13 of 256) gain a card.
        psql "$url" -qX -c "UPDATE accounts SET cards_count = cards_count + 1 WHERE get_byte(uuid_send(id), 15) < 13"
        measure send_run "$url" "$WORK/state" "$WORK/day2.json" --changed-only
        row "$n" "$kind" "(b) send, --changed-only" "$(json_field "$WORK/day2.json" accounts.sent) sent, $(json_field "$WORK/day2.json" accounts.unchanged) unchanged"
        measure send_run "$url" "$WORK/state" "$WORK/full.json" --full
        row "$n" "$kind" "(b) send, --full" "$(json_field "$WORK/full.json" accounts.sent) sent"
        CHANGE_STATE="state store (file) after day 1: $state_kb KB for $eligible accounts"
      fi
    fi
    drop_db "$kind" "$db"
  done
done

say "(d) send path, one core"
measure taskset -c 1 "$BUILD/bench-send-path" --url "$FAKE_URL" --messages 1000000 >"$WORK/send_path.out"
per_wall=$(sed -n 's/.*msgs_per_wall_s \([0-9]*\).*/\1/p' "$WORK/send_path.out")
per_cpu=$(sed -n 's/.*msgs_per_cpu_s \([0-9]*\).*/\1/p' "$WORK/send_path.out")
row "-" "-" "(d) send path, 1,000,000 msgs" "$per_wall msgs/s of wall time, $per_cpu per CPU-second"

echo
echo "snapshot-sync benchmark, $(nproc) cores, $(date -u +%Y-%m-%d)"
printf '%8s  %-10s  %-30s %9s %9s %9s  %s\n' accounts database row "wall s" "CPU s" "RSS MB" note
printf '%s\n' "${ROWS[@]}"
echo
echo "ratios (wall time)"
printf '%s\n' "${RATIOS[@]}"
if [ ${#SIZES[@]} -ge 2 ]; then
  echo
  echo "peak RSS of (b), ${SIZES[0]} -> $largest accounts"
  for kind in $DATABASES; do
    eval "r1=\$rss_dry_${kind}_${SIZES[0]} r2=\$rss_dry_${kind}_$largest s1=\$rss_send_${kind}_${SIZES[0]} s2=\$rss_send_${kind}_$largest"
    printf '          %-10s  dry run %s -> %s MB (%+.1f)   send %s -> %s MB (%+.1f)\n' "$kind" "$r1" "$r2" "$(echo "$r2 - $r1" | bc)" "$s1" "$s2" "$(echo "$s2 - $s1" | bc)"
  done
fi
[ -z "${SHARDS:-}" ] || { echo; echo "7 shards of the $largest-account PostgreSQL dataset: $SHARDS"; }
[ -z "${CHANGE_STATE:-}" ] || echo "$CHANGE_STATE"
