#!/usr/bin/env bash
# Peak memory of a dry run as the number of accounts grows, on each database:
# the source streams keyset chunks, so peak RSS should not grow with the
# number of accounts. Loads the demo dataset (same seed and --now) into
# SQLite, PostgreSQL and MariaDB at each size, runs
# `snapshot-sync run --dry-run` under /usr/bin/time -v and prints a table.
#
# usage: bench/source_memory.sh [SIZES...]        (default: 1000 50000)
#   SNAPSHOT_SYNC_BIN                 the binary (default build-db/snapshot-sync, then build/snapshot-sync)
#   SNAPSHOT_SYNC_TEST_POSTGRESQL_URL / SNAPSHOT_SYNC_TEST_MYSQL_URL
#                                     the servers (eval "$(scripts/services.sh env)")
#   SNAPSHOT_SYNC_BENCH_DATABASES     which of "sqlite postgresql mysql" (default all three)
# Each size gets fresh databases ss_bench_<N>, dropped at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SNAPSHOT_SYNC_BIN:-}
if [ -z "$BIN" ]; then
  for candidate in "$ROOT/build-db/snapshot-sync" "$ROOT/build/snapshot-sync"; do
    [ -x "$candidate" ] && BIN=$candidate && break
  done
fi
[ -x "${BIN:-}" ] || { echo "source_memory.sh: no snapshot-sync binary (set SNAPSHOT_SYNC_BIN)" >&2; exit 2; }
PG_URL=${SNAPSHOT_SYNC_TEST_POSTGRESQL_URL:?set it: eval \"\$(scripts/services.sh env)\"}
MY_URL=${SNAPSHOT_SYNC_TEST_MYSQL_URL:?set it: eval \"\$(scripts/services.sh env)\"}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 50000)
NOW=2026-11-20T08:00:00Z
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d /tmp/ss-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# mysql://user:password@host:port/db -> the mariadb client's options
my_client() {
  local rest=${MY_URL#mysql://} creds hostport
  creds=${rest%%@*}; rest=${rest#*@}; hostport=${rest%%/*}
  mariadb -h"${hostport%%:*}" -P"${hostport##*:}" -u"${creds%%:*}" -p"${creds#*:}" "$@"
}
with_db() { echo "${1%/*}/$2"; }

create_dbs() {
  local db=$1
  psql "$PG_URL" -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  my_client -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4"
}
drop_dbs() {
  local db=$1
  psql "$PG_URL" -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  my_client -e "DROP DATABASE IF EXISTS $db" || true
}

# seconds as a decimal
now_s() { date +%s.%N; }

rows=()
for n in "${SIZES[@]}"; do
  db=ss_bench_$n
  create_dbs "$db"
  for kind in ${SNAPSHOT_SYNC_BENCH_DATABASES:-sqlite postgresql mysql}; do
    case $kind in
      sqlite) url="sqlite:$WORK/$db.sqlite3" ;;
      postgresql) url=$(with_db "$PG_URL" "$db") ;;
      mysql) url=$(with_db "$MY_URL" "$db") ;;
    esac
    t0=$(now_s)
    "$BIN" demo-db "$url" --accounts "$n" --seed 42 --now "$NOW" --no-invalid-utf8 >/dev/null 2>"$WORK/load.err" ||
      { cat "$WORK/load.err" >&2; exit 1; }
    load=$(echo "$(now_s) - $t0" | bc)
    SNAPSHOT_SYNC_DATABASE_URL=$url /usr/bin/time -v -o "$WORK/time.txt" \
      "$BIN" run --dry-run --as-of "$NOW" >"$WORK/out.ndjson" 2>"$WORK/run.err" ||
      { cat "$WORK/run.err" >&2; exit 1; }
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    messages=$(wc -l <"$WORK/out.ndjson")
    rows+=("$(printf '%-11s %8s %9s %10.1f %12s %11.1f' "$kind" "$n" "$messages" "$load" "$wall" "$(echo "$rss_kb / 1024" | bc -l)")")
    echo "done: $kind $n accounts" >&2
  done
  drop_dbs "$db"
done

printf '%-11s %8s %9s %10s %12s %11s\n' database accounts messages "load (s)" "dry run" "peak RSS MB"
printf '%s\n' "${rows[@]}"
