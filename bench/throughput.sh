#!/usr/bin/env bash
# Side-by-side throughput of tandem-server and redis-server, measured with redis-benchmark.
# Run from the repository root; prints a markdown table (medians over ROUNDS) on stdout and
# progress on stderr. See bench/README.md for the environment variables.
set -euo pipefail

CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200000}
# Pipelined runs are about ten times faster; more requests keep them long enough to measure.
PIPELINED_REQUESTS=${PIPELINED_REQUESTS:-1000000}
ROUNDS=${ROUNDS:-3}
PIPELINES=${PIPELINES:-1 16}
# Each suite is "tests data-size divisor": the suite sends REQUESTS / divisor requests (or
# PIPELINED_REQUESTS / divisor), so that slow tests such as LRANGE_600 take seconds, not minutes.
# SUITES, if set, replaces the list: suites separated by ";".
if [[ -n ${SUITES:-} ]]; then
  IFS=';' read -ra SUITES <<<"$SUITES"
else
  SUITES=("set,get,incr,mset 3 1" "set,get 1024 1" "lpush,rpush,lpop,rpop,sadd,hset,spop,zadd 3 1"
    "lrange_100,lrange_600 3 4")
fi
# Commands redis-benchmark has no -t test for: "label|command line" (the command is split by the
# shell's word rules, so quote arguments with spaces), each run as its own test with the same
# request counts. COMMANDS, if set, replaces the list: entries separated by ";". They run in order
# after the suites: xadd fills the stream (capped at about 100,000 entries) that xrange reads.
if [[ -n ${COMMANDS+x} ]]; then
  IFS=';' read -ra COMMANDS <<<"$COMMANDS"
else
  COMMANDS=("eval|EVAL \"return redis.call('incr', KEYS[1])\" 1 counter"
    "evalsha_get|EVALSHA 4e6d8fc8bb01276962cce5371fa795a7763657ae 1 counter"
    "xadd|XADD stream MAXLEN '~' 100000 '*' field value"
    "xrange|XRANGE stream - + COUNT 10")
fi
# Upper bound for one redis-benchmark run, so a stuck server fails the script instead of hanging it.
RUN_TIMEOUT=${RUN_TIMEOUT:-300}

BENCH_NAME=throughput.sh
source "$(dirname "$0")/servers.sh"
command -v redis-benchmark >/dev/null || die "redis-benchmark not found"

# One line per measurement: round, server, test, pipeline, data size, requests per second.
results="$work/results.tsv"
: >"$results"

# bench SERVER PORT ROUND TESTS PIPELINE SIZE DIVISOR
bench() {
  local server=$1 port=$2 round=$3 tests=$4 pipeline=$5 size=$6 divisor=$7 csv="$work/run.csv"
  local requests
  requests=$(((pipeline > 1 ? PIPELINED_REQUESTS : REQUESTS) / divisor))
  timeout "$RUN_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$requests" \
    -P "$pipeline" -d "$size" -t "$tests" --csv >"$csv" 2>"$work/run.err" ||
    { cat "$work/run.err" >&2; die "redis-benchmark failed against $server"; }
  # CSV rows look like "SET","76628.35",... after a header row. The LRANGE tests first fill the
  # list with a row "LPUSH (needed to benchmark LRANGE)", which is not one of the tests.
  local rows
  rows=$(awk -F'","' 'NR > 1 && !/needed to benchmark/ { gsub(/^"/, "", $1); print $1 "\t" $2 }' \
    "$csv")
  [[ $(wc -l <<<"$rows") -eq $(tr ',' '\n' <<<"$tests" | wc -l) ]] ||
    { cat "$csv" "$work/run.err" >&2; die "unexpected redis-benchmark output from $server"; }
  local test rps summary=""
  while IFS=$'\t' read -r test rps; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$test" "$pipeline" "$size" "$rps" \
      >>"$results"
    summary+=" $test: $rps"
  done <<<"$rows"
  echo "round $round $server -P $pipeline -d $size:$summary" >&2
}

# bench_command SERVER PORT ROUND LABEL PIPELINE COMMAND...: one custom-command run.
bench_command() {
  local server=$1 port=$2 round=$3 label=$4 pipeline=$5 csv="$work/run.csv"
  shift 5
  local requests=$((pipeline > 1 ? PIPELINED_REQUESTS : REQUESTS))
  timeout "$RUN_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$requests" \
    -P "$pipeline" --csv "$@" >"$csv" 2>"$work/run.err" ||
    { cat "$work/run.err" >&2; die "redis-benchmark failed against $server"; }
  local rps
  rps=$(awk -F'","' 'NR == 2 { print $2 }' "$csv")
  [[ -n $rps ]] || { cat "$csv" "$work/run.err" >&2; die "no result from $server for $label"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$label" "$pipeline" 0 "$rps" >>"$results"
  echo "round $round $server -P $pipeline: $label: $rps" >&2
}

# EVALSHA runs the script that returns GET of its key: load it on both servers first.
for port in "$tandem_port" "$redis_port"; do
  redis-cli -p "$port" SCRIPT LOAD "return redis.call('get', KEYS[1])" >/dev/null
done

for round in $(seq "$ROUNDS"); do
  for suite in "${SUITES[@]}"; do
    read -r tests size divisor <<<"$suite"
    divisor=${divisor:-1}
    for pipeline in $PIPELINES; do
      bench tandem "$tandem_port" "$round" "$tests" "$pipeline" "$size" "$divisor"
      bench redis "$redis_port" "$round" "$tests" "$pipeline" "$size" "$divisor"
    done
  done
  for entry in "${COMMANDS[@]}"; do
    label=${entry%%|*}
    eval "command=(${entry#*|})"
    for pipeline in $PIPELINES; do
      bench_command tandem "$tandem_port" "$round" "$label" "$pipeline" "${command[@]}"
      bench_command redis "$redis_port" "$round" "$label" "$pipeline" "${command[@]}"
    done
  done
done

# Suites that send fewer requests, for the table's header.
reduced=""
for suite in "${SUITES[@]}"; do
  read -r tests size divisor <<<"$suite"
  [[ ${divisor:-1} == 1 ]] || reduced+="; $tests: 1/$divisor of that"
done

python3 - "$results" "$CLIENTS" "$REQUESTS" "$PIPELINED_REQUESTS" "$ROUNDS" "$reduced" <<'EOF'
import statistics
import sys

path, clients, requests, pipelined_requests, rounds, reduced = sys.argv[1:]
rps = {}    # (test, pipeline, size) -> {server: [rps per round]}
ratio = {}  # (test, pipeline, size) -> [tandem/redis per round]
by_round = {}
for line in open(path):
    rnd, server, test, pipeline, size, value = line.rstrip("\n").split("\t")
    key = (test, int(pipeline), int(size))
    rps.setdefault(key, {}).setdefault(server, []).append(float(value))
    by_round.setdefault((key, rnd), {})[server] = float(value)
for (key, _), servers in by_round.items():
    ratio.setdefault(key, []).append(servers["tandem"] / servers["redis"])

print(f"redis-benchmark -c {clients}, -n {requests} (pipelined: -n {pipelined_requests}"
      f"{reduced}), {rounds} alternating rounds, medians\n")
print("| test | pipeline | data size (B) | tandem rps | redis rps | tandem/redis |")
print("|---|---:|---:|---:|---:|---:|")
for key, servers in rps.items():
    test, pipeline, size = key
    shown_size = size if size else "-"  # custom commands carry their own arguments
    print(f"| {test} | {pipeline} | {shown_size} | {statistics.median(servers['tandem']):.0f} "
          f"| {statistics.median(servers['redis']):.0f} | {statistics.median(ratio[key]):.2f} |")

print("\n```")
for server in ("tandem", "redis"):
    for (test, pipeline, size), servers in rps.items():
        label = f"{server} {test} -P {pipeline} -d {size}:"
        print(f"{label:<40} {statistics.median(servers[server]):.2f} requests per second")
print("```")
EOF
