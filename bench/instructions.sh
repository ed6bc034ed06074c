#!/usr/bin/env bash
# User-space instructions per request of tandem-server and redis-server, counted by callgrind: a
# figure that does not depend on machine noise or on the load generator keeping up (on 2 cores
# redis-benchmark, not the server, bounds requests per second). Each server runs under
# valgrind --tool=callgrind with counting off at start; counters are zeroed after a warm-up, and
# dumped after each redis-benchmark run; instructions / requests is printed per test.
# Run from the repository root; markdown on stdout, progress on stderr. Needs valgrind.
set -euo pipefail

REQUESTS=${REQUESTS:-100000}
TESTS=${TESTS:-get set}
PIPELINES=${PIPELINES:-1 16}

command -v valgrind >/dev/null || { echo "instructions.sh: valgrind not found" >&2; exit 1; }
BENCH_NAME=instructions.sh
SERVER_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=@WORK@/callgrind.%p"
source "$(dirname "$0")/servers.sh"

# instructions SERVER PORT PID TEST PIPELINE: Ir per request of one redis-benchmark run.
instructions() {
  local server=$1 port=$2 pid=$3 test=$4 pipeline=$5 dump
  callgrind_control --zero "$pid" >/dev/null
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$REQUESTS" -P "$pipeline" -t "$test" -q \
    >/dev/null 2>&1 || die "redis-benchmark failed against $server"
  callgrind_control --dump "$pid" >/dev/null
  dump=$(ls -t "$work"/callgrind."$pid".* | head -n 1)
  awk -v n="$REQUESTS" '/^(summary|totals):/ { printf "%d", $2 / n; exit }' "$dump"
}

warm_up() { redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -n 20000 -P 16 -t get,set -q >/dev/null 2>&1; }
warm_up "$tandem_port"
warm_up "$redis_port"

echo "redis-benchmark -c 50 -n $REQUESTS, user-space instructions per request (callgrind)"
echo
echo "| test | pipeline | tandem | redis | tandem/redis |"
echo "|---|---:|---:|---:|---:|"
for test in $TESTS; do
  for pipeline in $PIPELINES; do
    t=$(instructions tandem "$tandem_port" "$tandem_pid" "$test" "$pipeline")
    r=$(instructions redis "$redis_port" "$redis_pid" "$test" "$pipeline")
    echo "$test -P $pipeline: tandem $t, redis $r" >&2
    printf '| %s | %s | %s | %s | %.2f |\n' "${test^^}" "$pipeline" "$t" "$r" \
      "$(python3 -c "print($t / $r)")"
  done
done
