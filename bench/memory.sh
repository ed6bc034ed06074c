#!/usr/bin/env bash
# Memory per key of tandem-server and redis-server: loads KEYS string keys with 16-byte values into
# each and reports the growth of INFO used_memory and of the process RSS, divided by KEYS.
# Run from the repository root; prints a markdown table on stdout, progress on stderr.
# See bench/README.md for the environment variables.
set -euo pipefail

TANDEM_SERVER=${TANDEM_SERVER:-build/release/server/app/tandem-server}
TANDEM_EXTRA_ARGS=${TANDEM_EXTRA_ARGS:-}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
KEYS=${KEYS:-1000000}

die() { echo "memory.sh: $*" >&2; exit 1; }
[[ -x $TANDEM_SERVER ]] ||
  die "TANDEM_SERVER=$TANDEM_SERVER is not an executable (build it or set TANDEM_SERVER)"
command -v "$REDIS_SERVER" >/dev/null || die "$REDIS_SERVER not found"
[[ $KEYS =~ ^[1-9][0-9]*$ ]] || die "KEYS must be a positive integer"
read -ra tandem_extra_args <<<"$TANDEM_EXTRA_ARGS"
# -s keeps symlinks: redis-server is a symlink whose name selects its behaviour.
TANDEM_SERVER=$(realpath -s "$TANDEM_SERVER")

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Two distinct free loopback ports (both sockets are open at once, so they differ).
read -r tandem_port redis_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# wait_for_ping NAME PORT PID: up to 10 s for PONG, failing early if the process died.
wait_for_ping() {
  local name=$1 port=$2 pid=$3
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$work/$name.log" >&2; die "$name exited at start-up"; }
    [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.1
  done
  tail -n 20 "$work/$name.log" >&2
  die "$name did not answer PING on port $port"
}

mkdir -p "$work/tandem" "$work/redis"
# The subshell execs the server, so $! is the server's own pid (whose RSS is measured).
(cd "$work/tandem" &&
  exec "$TANDEM_SERVER" --port "$tandem_port" --save '' "${tandem_extra_args[@]}") \
  >"$work/tandem.log" 2>&1 &
pids+=($!)
tandem_pid=$!
"$REDIS_SERVER" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work/redis" --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
redis_pid=$!
wait_for_ping tandem "$tandem_port" "$tandem_pid"
wait_for_ping redis "$redis_port" "$redis_pid"

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
