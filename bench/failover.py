#!/usr/bin/env python3
"""Failover benchmark: tandem-server + tandem-sentinel against redis-server + Redis Sentinel
(`redis-server <conf> --sentinel`), one after the other in the same run, on the 6-process layout
of tests/integration/support/sentinel.py (1 primary + 2 replicas + 3 sentinels on loopback,
quorum 2, down-after-milliseconds DOWN_AFTER, failover-timeout 5000).

A round: a redis-py Sentinel client (master_for) writes SET k:<i> <i> continuously and records
the writes acknowledged (with --wait: only those a following WAIT 1 200 confirmed reached a
replica); kill -9 of the primary; recovery = time from the kill to the first acknowledged write
after it; the writer goes on for SETTLE seconds after the sentinels agree on a new primary (a
second failover or a resync that throws writes away happens in that window), then the acked
writes missing from the final primary (every surviving server synced to it) are counted as lost,
and the +switch-master events each sentinel published (more than one: a second failover).

Default: ROUNDS rounds per implementation with plain writes and with WAIT 1, medians and the
ratios tandem/redis as a markdown table. --drills N: N drills per implementation (plain writes,
SETTLE 12 s so that a late resync is seen), counting drills with a second failover and drills
that lost acknowledged writes. --redis-only runs Redis alone (for when tandem-sentinel is not
built), --tandem-only Tandem alone (long drill series). Progress on stderr, the table on stdout. Run through bench/failover.sh."""
import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from bench_servers import log  # noqa: E402
from support.replication import info  # noqa: E402
from support.sentinel import (EventLog, Writer, kill9, lost_writes, running_layout,  # noqa: E402
                              server_starter)

TANDEM_SERVER = os.environ.get("TANDEM_SERVER") or os.environ.get(
    "TANDEM", str(REPO / "build/release/server/app/tandem-server"))
TANDEM_SENTINEL = os.environ.get("TANDEM_SENTINEL",
                                 str(REPO / "build/release/sentinel/tandem-sentinel"))
REDIS = shutil.which(os.environ.get("REDIS_SERVER") or os.environ.get("REDIS", "redis-server"))
DOWN_AFTER = int(os.environ.get("DOWN_AFTER", "1000"))
WARMUP_WRITES = 500


def settled_primary(layout, limit=30.0):
    """The primary every live sentinel names once every other live server replicates it with its
    link up and the same offset (so the loss count is final)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ports = set(layout.opinions().values())
        if len(ports) == 1:
            primary = layout.server_at(ports.pop())
            others = [s for s in layout.servers if s is not primary and s.proc.poll() is None]
            try:
                offset = int(info(primary.client())["master_repl_offset"])
                if all(_synced(s, primary, offset) for s in others):
                    return primary
            except Exception:  # noqa: BLE001 (a node restarting its link; try again)
                pass
        time.sleep(0.1)
    raise RuntimeError(f"no settled primary within {limit}s: {layout.describe()}")


def _synced(server, primary, offset):
    f = info(server.client())
    return (f.get("role") == "slave" and int(f.get("master_port", 0)) == primary.port
            and f.get("master_link_status") == "up"
            and int(f.get("slave_repl_offset", -1)) >= offset)


def drill(server, sentinel, work, wait, settle):
    """One kill -9 failover; returns {recovery_s, lost, acked, switches}."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="drill.", dir=work))
    with server_starter(server, base) as start, \
            running_layout(start, base, sentinel_binary_path=sentinel,
                           down_after=DOWN_AFTER) as layout:
        events = EventLog(layout.sentinels)
        writer = Writer(layout.sentinel_ports(), wait_replicas=1 if wait else 0, limit=120)
        try:
            writer.start()
            writer.wait_acked(WARMUP_WRITES)
            killed = time.monotonic()
            kill9(layout.primary)
            layout.wait_switch(layout.primary.port, limit=60)
            deadline = time.monotonic() + 60
            while writer.first_ack_after(killed) is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(settle)
        finally:
            writer.stop()
            events.close()
        recovered = writer.first_ack_after(killed)
        if recovered is None:
            raise RuntimeError(f"no write acknowledged after the kill: {layout.describe()}")
        final = settled_primary(layout)
        switches = max(len(events.of("+switch-master", i)) for i in range(3))
        return {"recovery_s": recovered - killed, "acked": len(writer.acked), "switches": switches,
                "lost": len(lost_writes(writer.acked, final.client()))}


def rounds(name, server, sentinel, work, count, settle):
    """Medians over `count` rounds with plain writes and with WAIT 1."""
    out = {}
    for wait in (False, True):
        results = []
        for n in range(count):
            result = drill(server, sentinel, work, wait, settle)
            log(f"{name} {'WAIT 1' if wait else 'plain'} round {n + 1}: {result}")
            results.append(result)
        tag = "wait" if wait else "plain"
        out[f"recovery_{tag}"] = statistics.median(r["recovery_s"] for r in results)
        out[f"lost_{tag}"] = statistics.median(r["lost"] for r in results)
        out[f"second_{tag}"] = sum(r["switches"] > 1 for r in results)
    return out


def drills(name, server, sentinel, work, count, settle):
    results = []
    for n in range(count):
        result = drill(server, sentinel, work, False, settle)
        log(f"{name} drill {n + 1}/{count}: {result}")
        results.append(result)
    recoveries = [r["recovery_s"] for r in results]
    return {"drills": count,
            "second": sum(r["switches"] > 1 for r in results),
            "lossy": sum(r["lost"] > 0 for r in results),
            "lost_max": max(r["lost"] for r in results),
            "recovery_median": statistics.median(recoveries),
            "recovery_max": max(recoveries)}


ROUND_ROWS = [("recovery, plain writes (s)", "recovery_plain", "{:.2f}"),
              ("acked writes lost, plain (median)", "lost_plain", "{:g}"),
              ("rounds with a second failover, plain", "second_plain", "{:d}"),
              ("recovery, WAIT 1 (s)", "recovery_wait", "{:.2f}"),
              ("acked writes lost, WAIT 1 (median)", "lost_wait", "{:g}"),
              ("rounds with a second failover, WAIT 1", "second_wait", "{:d}")]
DRILL_ROWS = [("drills", "drills", "{:d}"),
              ("drills with a second failover", "second", "{:d}"),
              ("drills that lost acked writes", "lossy", "{:d}"),
              ("most acked writes lost in one drill", "lost_max", "{:d}"),
              ("recovery median (s)", "recovery_median", "{:.2f}"),
              ("recovery max (s)", "recovery_max", "{:.2f}")]


def print_table(rows, columns):
    """A markdown table: one column per (name, results), plus tandem/redis when both ran."""
    names = [name for name, _ in columns]
    ratio = names == ["tandem", "redis"]
    print("| measure | " + " | ".join(names) + (" | tandem/redis |" if ratio else " |"))
    print("|---|" + "---:|" * (len(names) + ratio))
    for label, key, fmt in rows:
        values = [results[key] for _, results in columns]
        cells = [fmt.format(v) for v in values]
        if ratio:
            cells.append(f"{values[0] / values[1]:.2f}" if values[1] else "-")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drills", type=int, default=0,
                        help="run N drills per implementation instead of the rounds")
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds of writes after the switch (default 3; 12 for --drills)")
    parser.add_argument("--redis-only", action="store_true",
                        help="measure redis-server + Redis Sentinel alone")
    parser.add_argument("--tandem-only", action="store_true",
                        help="measure tandem-server + tandem-sentinel alone (no ratios)")
    args = parser.parse_args()
    settle = args.settle if args.settle is not None else (12.0 if args.drills else 3.0)
    implementations = [] if args.tandem_only else [("redis", REDIS, REDIS)]
    if not args.redis_only:
        for path in (TANDEM_SERVER, TANDEM_SENTINEL):
            if not os.access(path, os.X_OK):
                sys.exit(f"failover.py: {path} not found (build it, or pass --redis-only)")
        implementations.insert(0, ("tandem", TANDEM_SERVER, TANDEM_SENTINEL))
    work = pathlib.Path(tempfile.mkdtemp(prefix="tandem-failover."))
    try:
        columns = []
        for name, server, sentinel in implementations:
            if args.drills:
                columns.append((name, drills(name, server, sentinel, work, args.drills, settle)))
            else:
                columns.append((name, rounds(name, server, sentinel, work, args.rounds, settle)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"down-after-milliseconds {DOWN_AFTER}, {settle:g} s of writes after the switch")
    print()
    print_table(DRILL_ROWS if args.drills else ROUND_ROWS, columns)


if __name__ == "__main__":
    main()
