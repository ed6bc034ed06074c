#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages. Idempotent: when all packages are
# present it returns without touching apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-program-options-dev
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev googletest
  clang libclang-rt-14-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  redis-tools redis-server
  python3 python3-redis python3-pytest python3-celery python3-django python3-django-redis
  valgrind
  iproute2 nftables docker-compose
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
