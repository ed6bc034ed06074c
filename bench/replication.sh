#!/usr/bin/env bash
# Replication side by side with redis-server, each replicating to its own kind: full-sync time of
# KEYS keys to a fresh replica, primary set/get throughput with 0 and 2 replicas, and replication
# lag under a full-speed SET load (bench/replication.py says how). Run from the repository root on
# a release build; TANDEM_SERVER (or TANDEM), REDIS_SERVER (or REDIS), KEYS, VALUE_SIZE, REQUESTS,
# LAG_REQUESTS, CLIENTS and PIPELINE override the defaults. About 2 minutes on 2 cores.
set -euo pipefail
for tool in redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "replication.sh: $tool not found" >&2; exit 1; }
done
exec /usr/bin/python3 "$(dirname "$0")/replication.py"
