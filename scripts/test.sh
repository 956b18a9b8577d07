#!/usr/bin/env bash
# The whole test suite, as CI runs it, on a fresh Debian 12 machine as root:
# installs the packages, builds with warnings as errors, starts PostgreSQL
# and MariaDB on 127.0.0.1 (scripts/services.sh), runs every test with ctest
# (unit, integration against the fake Segment endpoint and a real
# Pushgateway, database tests, kill torture), checks the deploy files, runs
# the unit and integration suites again under sanitizers
# (scripts/sanitize.sh), fuzzes the parsers for 60 s each
# (scripts/fuzz.sh), and stops the servers again.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - started )) s)"; }

step "packages"
scripts/install-deps.sh

step "build"
# Every option spelled out: a build directory left by scripts/demo.sh has tests and benchmarks off.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPSHOT_SYNC_WERROR=ON \
  -DSNAPSHOT_SYNC_BUILD_TESTS=ON -DSNAPSHOT_SYNC_BUILD_BENCH=ON \
  -DSNAPSHOT_SYNC_WITH_POSTGRESQL=ON -DSNAPSHOT_SYNC_WITH_MYSQL=ON >/dev/null
cmake --build build

step "servers"
scripts/services.sh start
trap 'scripts/services.sh stop' EXIT
eval "$(scripts/services.sh env)"

step "tests"
ctest --test-dir build --output-on-failure --no-tests=error -j 2

if [ -x scripts/check-deploy.sh ]; then
  step "deploy files"
  scripts/check-deploy.sh build
fi

step "sanitizers"
scripts/sanitize.sh

step "fuzzing"
scripts/fuzz.sh 60

step "all passed"
