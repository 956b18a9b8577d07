#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer (clang), each for a
# bounded time: the config file (config_fuzzer), the database URL
# (database_url_fuzzer), the checkpoint (checkpoint_fuzzer) and the
# fingerprint file of the file store (fingerprints_fuzzer), under
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
# usage: scripts/fuzz.sh [SECONDS_PER_FUZZER] [FUZZER...]   (default 60 s, all four)
# The fuzzers run side by side, one per core (two cores: all four in 2 minutes).
#
# Each fuzzer starts from its seed corpus in tests/fuzz/corpus/<name>/ and
# writes what it discovers to a scratch corpus in the build directory (the
# seed corpus in the repository is never changed). Exits non-zero on any
# finding: a crash, an exception other than core::UsageError, a sanitizer
# report, a leak, a timeout or running out of memory. The input that did it
# is kept as build-asan/artifacts/<name>/crash-... (or leak-, timeout-,
# oom-); replay it with build-asan/tests/fuzz/fuzz_<name> FILE.
#
# The build directory is scripts/sanitize.sh's ASan one, configured the
# same way (clang, -O1, no server backends), so the library is built once
# for both. Environment: FUZZ_BUILD_DIR (default build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
fuzzers=("$@")
[ ${#fuzzers[@]} -gt 0 ] || fuzzers=(config database_url checkpoint fingerprints)
build=${FUZZ_BUILD_DIR:-build-asan}

# Only the library and the fuzzers are built. The options are scripts/sanitize.sh's for its ASan build.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSNAPSHOT_SYNC_SANITIZE=address,undefined -DSNAPSHOT_SYNC_FUZZ=ON \
  -DSNAPSHOT_SYNC_WERROR=ON -DSNAPSHOT_SYNC_WITH_POSTGRESQL=OFF -DSNAPSHOT_SYNC_WITH_MYSQL=OFF \
  -DSNAPSHOT_SYNC_BUILD_BENCH=OFF >/dev/null
targets=()
for name in "${fuzzers[@]}"; do targets+=("fuzz_$name"); done
cmake --build "$build" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One fuzzer; its verdict goes to $build/fuzz-NAME.verdict.
fuzz_one() {  # name
  local name=$1 corpus=$build/fuzz-corpus/$1 artifacts=$build/artifacts/$1 log=$build/fuzz-$1.log
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input taking 10 s is a finding (a hang), as is -rss_limit_mb.
  if "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $name: ${runs:-?} inputs in ${seconds} s, no finding (corpus $(ls "$corpus" | wc -l) inputs)"
  else
    echo "fuzz $name: FINDING (log $log, inputs in $artifacts/):"
    grep -E 'ERROR|SUMMARY|runtime error|uncaught|terminate|==[0-9]+==' "$log" | head -20 || true
    echo "$name" >"$build/fuzz-$name.failed"
  fi
}

# As many fuzzers at once as there are cores, each on one.
rm -f "$build"/fuzz-*.failed
cores=$(nproc)
for ((i = 0; i < ${#fuzzers[@]}; i += cores)); do
  for name in "${fuzzers[@]:i:cores}"; do fuzz_one "$name" & done
  wait
done
failed=()
for name in "${fuzzers[@]}"; do
  [ ! -e "$build/fuzz-$name.failed" ] || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
