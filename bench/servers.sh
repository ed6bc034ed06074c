# Sourced by the bench scripts: starts tandem-server and redis-server side by side on two free
# loopback ports and stops both (by pid) when the script exits.
# Expects: BENCH_NAME (for messages). Reads: TANDEM_SERVER, TANDEM_EXTRA_ARGS, REDIS_SERVER, and
# SERVER_WRAPPER, a command both servers run under (e.g. valgrind), where @WORK@ names $work.
# Defines: die, $work (a temp dir removed at exit), tandem_port/redis_port, tandem_pid/redis_pid.

TANDEM_SERVER=${TANDEM_SERVER:-build/release/server/app/tandem-server}
TANDEM_EXTRA_ARGS=${TANDEM_EXTRA_ARGS:-}
REDIS_SERVER=${REDIS_SERVER:-redis-server}

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
[[ -x $TANDEM_SERVER ]] ||
  die "TANDEM_SERVER=$TANDEM_SERVER is not an executable (build it or set TANDEM_SERVER)"
command -v "$REDIS_SERVER" >/dev/null || die "$REDIS_SERVER not found"
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

# Two distinct free loopback ports (both sockets are open at once, so they differ). They are
# closed before the ports are printed: bash does not wait for the process substitution to exit,
# and a server binding a port Python still holds fails with "Address already in use".
read -r tandem_port redis_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
ports = [s.getsockname()[1] for s in socks]
for s in socks: s.close()
print(*ports, flush=True)')

# wait_for_ping NAME PORT PID: up to 30 s for PONG, failing early if the process died.
wait_for_ping() {
  local name=$1 port=$2 pid=$3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$work/$name.log" >&2; die "$name exited at start-up"; }
    [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.1
  done
  tail -n 20 "$work/$name.log" >&2
  die "$name did not answer PING on port $port"
}

mkdir -p "$work/tandem" "$work/redis"
SERVER_WRAPPER=${SERVER_WRAPPER:-}
read -ra wrapper <<<"${SERVER_WRAPPER//@WORK@/$work}"
# The subshell execs the server, so $! is the server's own pid (whose RSS memory.sh measures).
(cd "$work/tandem" &&
  exec "${wrapper[@]}" "$TANDEM_SERVER" --port "$tandem_port" --bind 127.0.0.1 --save '' \
    "${tandem_extra_args[@]}") >"$work/tandem.log" 2>&1 &
pids+=($!)
tandem_pid=$!
(exec "${wrapper[@]}" "$REDIS_SERVER" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work/redis" --daemonize no) >"$work/redis.log" 2>&1 &
pids+=($!)
redis_pid=$!
wait_for_ping tandem "$tandem_port" "$tandem_pid"
wait_for_ping redis "$redis_port" "$redis_pid"
