#!/usr/bin/env bash
# The test suites under sanitizers, each in a build directory of its own:
#
#  1. AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included):
#     the unit and integration suites (ctest -L 'unit|integration'); the
#     integration tests run the sanitized binary as a child process, so its
#     reports count too.
#  2. ThreadSanitizer: the concurrent parts' unit tests (SegmentSink.*,
#     Pipeline.*, RateLimiter.*), then real runs of the binary with 8
#     senders against the fake Segment endpoint (faults, pacing, a SIGTERM
#     while batches are in flight, the resume).
#
# Any sanitizer report fails it, from any process: every report is written
# to a file (log_path) and the stage fails if one exists, even when the
# process's exit status was not what a test looked at.
#
# usage: scripts/sanitize.sh [asan|tsan]...   (default: both)
# Environment: SANITIZE_CXX (default clang++ when installed, else g++).
#
# To keep it quick on 2 cores, only the targets needed are built, at -O1
# with line tables only, without the PostgreSQL and MariaDB backends (the
# database tests are not run here) and without benchmarks; with clang the
# ASan build directory is the one scripts/fuzz.sh uses too (same
# configuration), so the library is built once for both.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { echo; echo "== sanitize: $* ($(( $(date +%s) - started )) s)"; }

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(asan tsan)
if [ -n "${SANITIZE_CXX:-}" ]; then
  cxx=$SANITIZE_CXX
elif command -v clang++ >/dev/null; then
  cxx=clang++
else
  cxx=g++
fi
case "$cxx" in *clang*) cc=clang ;; *) cc=gcc ;; esac

reports=$(mktemp -d /tmp/ss-sanitize-XXXXXX)
work=$(mktemp -d /tmp/ss-sanitize-run-XXXXXX)
fake_pid=
cleanup() {
  [ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

configure() {  # build-dir sanitizers
  local flags="-O1 -g1" fuzz=OFF
  case "$cxx" in *clang*) flags="-O1 -gline-tables-only" ;; esac
  # The ASan build doubles as scripts/fuzz.sh's: keep these options in step with it.
  case "$cxx,$2" in *clang*,address,undefined) fuzz=ON ;; esac
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DSNAPSHOT_SYNC_SANITIZE="$2" -DSNAPSHOT_SYNC_FUZZ=$fuzz \
    -DSNAPSHOT_SYNC_WERROR=ON -DSNAPSHOT_SYNC_WITH_POSTGRESQL=OFF -DSNAPSHOT_SYNC_WITH_MYSQL=OFF \
    -DSNAPSHOT_SYNC_BUILD_BENCH=OFF >/dev/null
}

# Fails when any process wrote a sanitizer report.
check_reports() {  # what
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize: $1: sanitizer reports:"
    for f in "$reports"/*; do echo "--- $f"; head -60 "$f"; done
    exit 1
  fi
  echo "sanitize: $1: no sanitizer report"
}

asan() {
  step "AddressSanitizer + UndefinedBehaviorSanitizer build ($cxx)"
  configure build-asan address,undefined
  cmake --build build-asan --target snapshot-sync fake-segment unit_tests integration_tests
  step "unit and integration tests under ASan + UBSan"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$reports/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan" \
    ctest --test-dir build-asan -L 'unit|integration' --output-on-failure --no-tests=error -j 2
  check_reports "ASan + UBSan"
}

# Starts build-tsan's fake-segment with a script; sets fake_pid and fake_url.
start_fake_segment() {  # script log
  local out=$work/fake.out
  build-tsan/fake-segment --port 0 --log "$2" --script "$1" --max-lifetime 600 >"$out" 2>&1 &
  fake_pid=$!
  for _ in $(seq 1 200); do
    grep -q '^listening' "$out" 2>/dev/null && break
    sleep 0.05
  done
  fake_url="http://$(sed -n 's/^listening //p' "$out")"
  [ "$fake_url" != "http://" ] || { echo "sanitize: fake-segment did not start"; cat "$out"; exit 1; }
}

stop_fake_segment() {
  kill "$fake_pid" 2>/dev/null || true
  wait "$fake_pid" 2>/dev/null || true
  fake_pid=
}

tsan_config() {  # url
  cat >"$work/config.toml" <<TOML
[database]
url = "sqlite:$work/fizzy.sqlite3"
chunk_size = 300
[segment]
host = "$1"
in_flight = 8
batch_size = 40
messages_per_second = 4000
backoff_initial = 0.01
backoff_max = 0.1
max_retries = 8
request_timeout = 5
[checkpoint]
location = "$work/state/checkpoint.json"
TOML
}

# Distinct accounts the endpoint acknowledged.
delivered() { grep -o '"groupId":"[0-9a-z]*"' "$1" | sort -u | wc -l; }

# A run of build-tsan's binary to the end against an endpoint answering by
# `script`, which must leave every eligible account in the endpoint's log.
run_to_the_end() {  # script log what [run args...]
  local script=$1 log=$2 what=$3
  shift 3
  start_fake_segment "$script" "$log"
  tsan_config "$fake_url"
  "$bin" run --config "$work/config.toml" --as-of $as_of "$@" 2>"$work/run.err" ||
    { echo "sanitize: $what failed"; tail -5 "$work/run.err"; exit 1; }
  [ "$(delivered "$log")" = "$eligible" ] || { echo "sanitize: accounts missing after $what"; exit 1; }
  stop_fake_segment
}

tsan() {
  step "ThreadSanitizer build ($cxx)"
  configure build-tsan thread
  cmake --build build-tsan --target snapshot-sync fake-segment unit_tests
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
  step "concurrent unit tests under TSan"
  ctest --test-dir build-tsan -L unit -R '^(SegmentSink|Pipeline|RateLimiter)\.' --output-on-failure --no-tests=error -j 2

  step "8 senders against the fake endpoint under TSan"
  local bin=build-tsan/snapshot-sync
  export SEGMENT_WRITE_KEY=wk_sanitize SNAPSHOT_SYNC_LOG_FORMAT=json
  "$bin" demo-db "$work/fizzy.sqlite3" --accounts 3000 --seed 7 --now 2026-11-20T08:00:00Z >/dev/null
  local as_of=2026-11-20T08:00:00Z
  local eligible
  eligible=$(SNAPSHOT_SYNC_DATABASE_URL="sqlite:$work/fizzy.sqlite3" "$bin" run --dry-run --as-of $as_of | wc -l)

  # Faults while 8 senders share the pacing: 503s, a 429 that halves the rate, resets, slow answers.
  run_to_the_end "200x3,503x4,429:ra=1,reset,rst,eof,slow=300x6,503,200x5,429,reset" "$work/faults.ndjson" \
    "the run with faults"
  echo "sanitize: 8 senders through faults delivered all $eligible accounts"

  # A SIGTERM while batches are in flight: exit 6; then the resume completes.
  # 71 batches of 40 answered in 500 ms each, 8 at a time: over 4 s of sending. The
  # signal comes 0.3 s after the endpoint logged the first batch, however slowly the
  # sanitized process started.
  start_fake_segment "slow=500x100000" "$work/term.ndjson"
  tsan_config "$fake_url"
  "$bin" run --config "$work/config.toml" --as-of $as_of --restart 2>"$work/term.err" &
  local run_pid=$!
  for _ in $(seq 1 600); do
    [ ! -s "$work/term.ndjson" ] || break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 0.3
  kill -TERM "$run_pid" || { echo "sanitize: the run ended before the SIGTERM"; tail -5 "$work/term.err"; exit 1; }
  local status=0
  wait "$run_pid" || status=$?
  [ "$status" = 6 ] || { echo "sanitize: SIGTERM gave exit $status, not 6"; tail -5 "$work/term.err"; exit 1; }
  stop_fake_segment
  run_to_the_end "200" "$work/term.ndjson" "the resume"
  echo "sanitize: SIGTERM with 8 senders in flight exited 6 and the resume delivered all $eligible accounts"
  unset TSAN_OPTIONS
  check_reports "TSan"
}

for stage in "${stages[@]}"; do
  case "$stage" in
    asan) asan ;;
    tsan) tsan ;;
    *) echo "usage: $0 [asan|tsan]..." >&2; exit 2 ;;
  esac
done
step "sanitizers clean"
