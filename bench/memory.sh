#!/usr/bin/env bash
# Memory per key of tandem-server and redis-server: loads KEYS string keys with 16-byte values into
# each and reports the growth of INFO used_memory and of the process RSS, divided by KEYS.
# Run from the repository root; prints a markdown table on stdout, progress on stderr.
# See bench/README.md for the environment variables.
set -euo pipefail

KEYS=${KEYS:-1000000}

BENCH_NAME=memory.sh
source "$(dirname "$0")/servers.sh"
[[ $KEYS =~ ^[1-9][0-9]*$ ]] || die "KEYS must be a positive integer"

# SET key:%012d val:%012d as RESP: 16-byte keys, 16-byte non-numeric values.
load="$work/load.resp"
python3 - "$KEYS" "$load" <<'EOF'
import sys

keys, path = int(sys.argv[1]), sys.argv[2]
with open(path, "wb") as out:
    for i in range(keys):
        out.write(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$16\r\nval:%012d\r\n" % (i, i))
EOF

used_memory() {
  redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'
}
rss_bytes() {
  awk '$1 == "VmRSS:" { print $2 * 1024 }' "/proc/$1/status"
}

# measure NAME PORT PID: prints "used_memory-growth rss-growth" in bytes after loading.
measure() {
  local name=$1 port=$2 pid=$3
  local used_before rss_before used_after rss_after out dbsize
  used_before=$(used_memory "$port")
  rss_before=$(rss_bytes "$pid")
  out=$(redis-cli -p "$port" --pipe <"$load" 2>&1) || { echo "$out" >&2; die "loading $name failed"; }
  grep -q "errors: 0, replies: $KEYS\$" <<<"$out" || { echo "$out" >&2; die "$name reported errors"; }
  dbsize=$(redis-cli -p "$port" dbsize)
  [[ $dbsize == "$KEYS" ]] || die "$name holds $dbsize keys after loading $KEYS"
  used_after=$(used_memory "$port")
  rss_after=$(rss_bytes "$pid")
  [[ -n $used_before && -n $used_after ]] || die "$name has no used_memory in INFO memory"
  echo "loaded $KEYS keys into $name" >&2
  echo "$((used_after - used_before)) $((rss_after - rss_before))"
}

# Plain assignments, so that a failing measure stops the script (set -e).
tandem_growth=$(measure tandem "$tandem_port" "$tandem_pid")
redis_growth=$(measure redis "$redis_port" "$redis_pid")
read -r tandem_used tandem_rss <<<"$tandem_growth"
read -r redis_used redis_rss <<<"$redis_growth"

python3 - "$KEYS" "$tandem_used" "$tandem_rss" "$redis_used" "$redis_rss" <<'EOF'
import sys

keys, t_used, t_rss, r_used, r_rss = map(int, sys.argv[1:])
mib = 1024 * 1024
print(f"{keys} keys, SET key:%012d val:%012d (16-byte keys and values); growth after loading\n")
print("| server | used_memory/key (B) | RSS/key (B) | used_memory (MiB) | RSS (MiB) |")
print("|---|---:|---:|---:|---:|")
for name, used, rss in (("tandem", t_used, t_rss), ("redis", r_used, r_rss)):
    print(f"| {name} | {used / keys:.1f} | {rss / keys:.1f} | {used / mib:.1f} | {rss / mib:.1f} |")
print(f"| tandem/redis | {t_used / r_used:.2f} | {t_rss / r_rss:.2f} | | |")
EOF
