#!/usr/bin/env bash
# Memory per element of tandem-server and redis-server, for each of WORKLOADS: loads the same data
# into each and reports the growth of INFO used_memory and of the process RSS, divided by the
# number of elements (keys, hashes, list elements or sorted-set members).
# Every workload runs against a fresh pair of servers, so that memory one freed cannot hide the
# RSS growth of the next. Run from the repository root; prints a markdown table on stdout, progress
# on stderr. See bench/README.md for the environment variables.
set -euo pipefail

KEYS=${KEYS:-1000000}
HASHES=${HASHES:-100000}
LIST_ELEMENTS=${LIST_ELEMENTS:-1000000}
ZSET_MEMBERS=${ZSET_MEMBERS:-1000000}
STREAM_ENTRIES=${STREAM_ENTRIES:-1000000}
WORKLOADS=${WORKLOADS:-strings hashes hashes-int list list-int zset stream}

for n in "$KEYS" "$HASHES" "$LIST_ELEMENTS" "$ZSET_MEMBERS" "$STREAM_ENTRIES"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "memory.sh: counts must be positive integers" >&2; exit 1; }
done

if [[ ${1:-} != --workload ]]; then
  # One child per workload, each printing one tab-separated line of results.
  results=$(mktemp "${TMPDIR:-/tmp}/tandem-memory.XXXXXX")
  trap 'rm -f "$results"' EXIT
  for workload in $WORKLOADS; do "$0" --workload "$workload" >>"$results"; done
  python3 - "$results" <<'EOF'
import sys

mib = 1024 * 1024
print("Growth of used_memory and RSS after loading, divided by the elements loaded; each workload "
      "against fresh servers\n")
print("| workload | elements | used/elem tandem (B) | used/elem redis (B) | used tandem/redis "
      "| RSS/elem tandem (B) | RSS/elem redis (B) | RSS tandem/redis |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
legend = []
for line in open(sys.argv[1]):
    name, desc, elements, t_used, t_rss, r_used, r_rss = line.rstrip("\n").split("\t")
    n = int(elements)
    t_used, t_rss, r_used, r_rss = map(int, (t_used, t_rss, r_used, r_rss))
    print(f"| {name} | {n:,} | {t_used / n:.1f} | {r_used / n:.1f} | {t_used / r_used:.2f} "
          f"| {t_rss / n:.1f} | {r_rss / n:.1f} | {t_rss / r_rss:.2f} |")
    legend.append(f"- {name}: {desc}; used_memory growth tandem {t_used / mib:.1f} MiB, "
                  f"redis {r_used / mib:.1f} MiB")
print()
print("\n".join(legend))
EOF
  exit 0
fi

workload=${2:?}
BENCH_NAME="memory.sh ($workload)"
source "$(dirname "$0")/servers.sh"

# The workload as a RESP file; the generator prints, tab-separated: the number of commands, the
# expected DBSIZE, a check command and its expected reply, the element count and a description.
load="$work/load.resp"
spec=$(python3 - "$workload" "$load" "$KEYS" "$HASHES" "$LIST_ELEMENTS" "$ZSET_MEMBERS" \
  "$STREAM_ENTRIES" <<'EOF'
import sys

workload, path = sys.argv[1:3]
keys, hashes, list_elements, zset_members, stream_entries = map(int, sys.argv[3:])
BATCH = 1000  # elements per RPUSH / ZADD

def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

def batched(total, head, make):
    """Commands head + make(i)... with BATCH elements each; returns the command count."""
    count = 0
    for start in range(0, total, BATCH):
        args = list(head)
        for i in range(start, min(total, start + BATCH)):
            args.extend(make(i))
        out.write(command(*args))
        count += 1
    return count

with open(path, "wb") as out:
    if workload == "strings":
        for i in range(keys):
            out.write(command(b"SET", b"key:%012d" % i, b"val:%012d" % i))
        spec = (keys, keys, "DBSIZE", keys, keys,
                "SET key:%012d val:%012d (16-byte keys and values), per key")
    elif workload in ("hashes", "hashes-int"):
        numeric = workload == "hashes-int"
        for i in range(hashes):
            args = [b"HSET", b"hash:%08d" % i]
            for f in range(10):
                # Text values: 14 bytes, not integers. Numeric: counters of 1 to 7 digits.
                value = b"%d" % (i * 10 + f) if numeric else b"val:%010d" % (i * 10 + f)
                args += [b"field:%d" % f, value]
            out.write(command(*args))
        what = "integer values 0-999999" if numeric else "values val:%010d (14 bytes)"
        spec = (hashes, hashes, "HLEN hash:00000000", 10, hashes,
                f"10 fields field:N, {what}, per hash")
    elif workload in ("list", "list-int"):
        numeric = workload == "list-int"
        n = batched(list_elements, [b"RPUSH", b"list"],
                    lambda i: [b"%d" % i if numeric else b"elem:%012d" % i])
        what = "integers 0-999999" if numeric else "elem:%012d (17 bytes)"
        spec = (n, 1, "LLEN list", list_elements, list_elements,
                f"1 list, {what}, RPUSH x{BATCH}, per element")
    elif workload == "zset":
        # Integer scores in a scrambled order, so that inserts land all over the set.
        n = batched(zset_members, [b"ZADD", b"zset"],
                    lambda i: [b"%d" % (i * 7919 % 1000003), b"member:%d" % i])
        spec = (n, 1, "ZCARD zset", zset_members, zset_members,
                f"1 sorted set, member:N, integer scores, ZADD x{BATCH}, per member")
    elif workload == "stream":
        # Auto IDs, as producers use them: many entries share a millisecond.
        for i in range(stream_entries):
            out.write(command(b"XADD", b"stream", b"*", b"sensor", b"%d" % (i % 16),
                              b"reading", b"%d" % i))
        spec = (stream_entries, 1, "XLEN stream", stream_entries, stream_entries,
                "1 stream, XADD * sensor <0-15> reading <i>, per entry")
    else:
        sys.exit(f"unknown workload {workload}")
print(*spec, sep="\t")
EOF
) || die "cannot generate workload $workload"
IFS=$'\t' read -r commands expected_dbsize check expected_check elements description <<<"$spec"

used_memory() {
  redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'
}
rss_bytes() {
  awk '$1 == "VmRSS:" { print $2 * 1024 }' "/proc/$1/status"
}

# measure NAME PORT PID: prints "used_memory-growth rss-growth" in bytes after loading.
measure() {
  local name=$1 port=$2 pid=$3
  local used_before rss_before used_after rss_after out dbsize checked
  used_before=$(used_memory "$port")
  rss_before=$(rss_bytes "$pid")
  out=$(redis-cli -p "$port" --pipe <"$load" 2>&1) || { echo "$out" >&2; die "loading $name failed"; }
  grep -q "errors: 0, replies: $commands\$" <<<"$out" ||
    { echo "$out" >&2; die "$name reported errors"; }
  dbsize=$(redis-cli -p "$port" dbsize)
  [[ $dbsize == "$expected_dbsize" ]] || die "$name holds $dbsize keys, expected $expected_dbsize"
  # shellcheck disable=SC2086 # the check command is words
  checked=$(redis-cli -p "$port" $check)
  [[ $checked == "$expected_check" ]] || die "$name: $check gave $checked, expected $expected_check"
  used_after=$(used_memory "$port")
  rss_after=$(rss_bytes "$pid")
  [[ -n $used_before && -n $used_after ]] || die "$name has no used_memory in INFO memory"
  echo "$workload: loaded $elements elements into $name" >&2
  echo "$((used_after - used_before)) $((rss_after - rss_before))"
}

# Plain assignments, so that a failing measure stops the script (set -e).
tandem_growth=$(measure tandem "$tandem_port" "$tandem_pid")
redis_growth=$(measure redis "$redis_port" "$redis_pid")
read -r tandem_used tandem_rss <<<"$tandem_growth"
read -r redis_used redis_rss <<<"$redis_growth"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$description" "$elements" "$tandem_used" "$tandem_rss" \
  "$redis_used" "$redis_rss"
