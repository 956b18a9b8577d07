#!/usr/bin/env bash
# Installs what building and testing snapshot-sync needs, from Debian 12's
# own packages (run as root; a no-op when everything is there).
#   scripts/install-deps.sh          build, tests and benchmarks
#   scripts/install-deps.sh --build  only what building the binary needs
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  libpqxx-dev libmysqlcppconn-dev libmariadb-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev libdeflate-dev libsqlite3-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
)
test_packages=(
  postgresql mariadb-server prometheus-pushgateway
  sqlite3 time iproute2 procps curl ca-certificates
  clang libclang-rt-14-dev
  bc python3 openssl
)

packages=("${build_packages[@]}")
[ "${1:-}" = "--build" ] || packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The image's policy-rc.d keeps apt from starting the servers: tests start their own.
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
echo "install-deps.sh: installed ${missing[*]}"
