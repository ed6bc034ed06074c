#!/usr/bin/env bash
# Failover side by side with Redis Sentinel: kill -9 of the primary under a redis-py Sentinel
# writer, recovery time and acknowledged writes lost, plain and with WAIT 1, medians of ROUNDS
# (bench/failover.py says how). Run from the repository root on a release build; arguments go to
# failover.py (--rounds N, --drills N, --settle S, --redis-only); TANDEM_SERVER, TANDEM_SENTINEL,
# REDIS_SERVER and DOWN_AFTER override the defaults. About 3 minutes on 2 cores (--drills 30:
# about 15 minutes per implementation).
set -euo pipefail
command -v redis-server >/dev/null || { echo "failover.sh: redis-server not found" >&2; exit 1; }
exec /usr/bin/python3 "$(dirname "$0")/failover.py" "$@"
