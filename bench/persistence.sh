#!/usr/bin/env bash
# Persistence side by side with redis-server: SAVE, BGSAVE, RDB size, start-up load, BGREWRITEAOF,
# and SET p99 / peak memory while BGSAVEs run under a write load (bench/persistence.py says how).
# Run from the repository root on a release build; KEYS, VALUE_SIZE, LOAD_REQUESTS, TANDEM_SERVER
# and REDIS_SERVER override the defaults. About 3 minutes on 2 cores with 1,000,000 keys.
set -euo pipefail
for tool in redis-cli redis-benchmark redis-server; do
  command -v "$tool" >/dev/null || { echo "persistence.sh: $tool not found" >&2; exit 1; }
done
exec /usr/bin/python3 "$(dirname "$0")/persistence.py"
