#!/usr/bin/env bash
# The job on the embedded default, as a newcomer first sees it: builds
# snapshot-sync, writes a SQLite database of Fizzy-shaped demo data and runs
# a dry run on it (messages on stdout, nothing sent, no write key needed).
#   scripts/demo.sh [ACCOUNTS]      (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-1000}

scripts/install-deps.sh --build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSNAPSHOT_SYNC_BUILD_TESTS=OFF -DSNAPSHOT_SYNC_BUILD_BENCH=OFF >/dev/null
cmake --build build --target snapshot-sync

mkdir -p demo
rm -f demo/fizzy-demo.sqlite3
build/snapshot-sync demo-db demo/fizzy-demo.sqlite3 --accounts "$accounts"
SNAPSHOT_SYNC_DATABASE_URL=sqlite:demo/fizzy-demo.sqlite3 build/snapshot-sync run --dry-run > demo/messages.ndjson
echo
echo "The first message (of $(wc -l < demo/messages.ndjson) in demo/messages.ndjson):"
head -n 1 demo/messages.ndjson
