#!/usr/bin/env python3
"""Replication benchmark, tandem-server and redis-server one after the other in the same run, each
replicating to itself (the same binary on both ends):
  1. full-sync time of KEYS keys of VALUE_SIZE bytes to a fresh replica (diskless, no delay): from
     REPLICAOF to master_link_status:up with the replica's offset equal to the primary's;
  2. primary throughput, redis-benchmark -t set,get -P PIPELINE -c CLIENTS -n REQUESTS, with no
     replica and with two replicas attached;
  3. replication lag in bytes (primary master_repl_offset - replica slave_repl_offset, the primary
     read before and after the replicas and the midpoint used), sampled every 100 ms on both
     replicas during a
     full-speed redis-benchmark -t set -P PIPELINE load: max and p99 over the samples;
  4. catch-up: one replica held with SIGSTOP during CATCHUP_REQUESTS SETs, then resumed: how long
     it takes to apply the backlog of stream, i.e. the replica's apply speed.
Prints a markdown table with the ratios (tandem/redis) on stdout; progress goes to stderr. Run
through bench/replication.sh."""
import os
import signal
import threading
import time

from bench_servers import (Server, load_keys, log, measure_both, print_table, redis_benchmark,
                           wait_for)

KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE_SIZE = int(os.environ.get("VALUE_SIZE", "100"))
REQUESTS = int(os.environ.get("REQUESTS", "1000000"))
LAG_REQUESTS = int(os.environ.get("LAG_REQUESTS", "2000000"))
CATCHUP_REQUESTS = int(os.environ.get("CATCHUP_REQUESTS", "1000000"))
CLIENTS = int(os.environ.get("CLIENTS", "50"))
PIPELINE = int(os.environ.get("PIPELINE", "16"))
SAMPLE_S = 0.1
# TANDEM / REDIS are accepted as short names for TANDEM_SERVER / REDIS_SERVER.
TANDEM = os.environ.get("TANDEM_SERVER") or os.environ.get(
    "TANDEM", "build/release/server/app/tandem-server")
REDIS = os.environ.get("REDIS_SERVER") or os.environ.get("REDIS", "redis-server")
MiB = 1024 * 1024


def repl_info(server):
    """INFO replication as {field: text}."""
    text = server.client().execute_command("INFO", "replication")
    if isinstance(text, dict):  # redis-py parsed it
        return {k: str(v) for k, v in text.items()}
    return dict(line.split(":", 1) for line in text.decode().splitlines() if ":" in line)


def in_sync(primary, replica):
    """The replica's link is up and its applied offset equals the primary's."""
    r = repl_info(replica)
    return (r.get("master_link_status") == "up"
            and r.get("slave_repl_offset") == repl_info(primary)["master_repl_offset"])


def benchmark(server, tests, requests):
    """{TEST: requests/s} from one redis-benchmark run."""
    rows = redis_benchmark(server, "-t", tests, "-n", requests, "-c", CLIENTS, "-P", PIPELINE,
                           "-r", KEYS, "-d", VALUE_SIZE)
    return {row["test"]: float(row["rps"]) for row in rows}


def attach(primary, replica):
    """REPLICAOF, then seconds until the replica is up with the primary's offset."""
    client = replica.client()
    began = time.monotonic()
    client.execute_command("REPLICAOF", "127.0.0.1", primary.port)
    wait_for(lambda: in_sync(primary, replica), f"{replica.name} in sync")
    elapsed = time.monotonic() - began
    assert client.dbsize() == primary.client().dbsize(), f"{replica.name} has other keys"
    return elapsed


def lag_under_load(primary, replicas):
    """Samples primary offset - replica offset every SAMPLE_S during a SET load; returns
    (max, p99, samples) in bytes, and the load's requests/s."""
    samples = []
    done = threading.Event()

    def sample():
        # The primary is read before and after the replicas and the midpoint taken, so that the
        # time an INFO spends queued behind the load does not count as lag (or hide it).
        while not done.is_set():
            before = int(repl_info(primary)["master_repl_offset"])
            applied = [int(repl_info(r)["slave_repl_offset"]) for r in replicas]
            after = int(repl_info(primary)["master_repl_offset"])
            produced = (before + after) // 2
            samples.extend(max(produced - a, 0) for a in applied)
            time.sleep(SAMPLE_S)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        rps = benchmark(primary, "set", LAG_REQUESTS)["SET"]
    finally:
        done.set()
        sampler.join()
    for replica in replicas:
        wait_for(lambda: in_sync(primary, replica), f"{replica.name} caught up after the load")
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] if samples else 0
    return (samples[-1] if samples else 0), p99, len(samples), rps


def catch_up(primary, replica):
    """Holds the replica with SIGSTOP during a CATCHUP_REQUESTS SET load, then resumes it: the
    seconds it takes to apply what queued up, and the stream bytes per second that makes. This is
    the replica's apply speed alone, without the CPU it shares with the load."""
    start_offset = int(repl_info(primary)["master_repl_offset"])
    replica.proc.send_signal(signal.SIGSTOP)
    try:
        benchmark(primary, "set", CATCHUP_REQUESTS)
    finally:
        replica.proc.send_signal(signal.SIGCONT)
    target = int(repl_info(primary)["master_repl_offset"])
    began = time.monotonic()
    wait_for(lambda: in_sync(primary, replica), f"{replica.name} caught up")
    elapsed = time.monotonic() - began
    return elapsed, (target - start_offset) / elapsed


def measure(name, binary, work, resp_path):
    servers = [Server(f"{name}-{role}", binary, work / name / role,
                      ["--repl-diskless-sync-delay", "0"])
               for role in ("primary", "replica1", "replica2")]
    primary, replicas = servers[0], servers[1:]
    result = {}
    try:
        for server in servers:
            server.start()
        log(f"{name}: loading {KEYS:,} keys")
        load_keys(primary, resp_path, KEYS)
        log(f"{name}: set,get with no replica")
        alone = benchmark(primary, "set,get", REQUESTS)
        result["set_rps_0"], result["get_rps_0"] = alone["SET"], alone["GET"]
        log(f"{name}: full sync to a fresh replica")
        result["full_sync_s"] = attach(primary, replicas[0])
        attach(primary, replicas[1])
        log(f"{name}: set,get with two replicas")
        both = benchmark(primary, "set,get", REQUESTS)
        result["set_rps_2"], result["get_rps_2"] = both["SET"], both["GET"]
        for replica in replicas:
            wait_for(lambda: in_sync(primary, replica), f"{replica.name} caught up")
        log(f"{name}: lag during a full-speed SET load")
        (result["lag_max"], result["lag_p99"], result["lag_samples"],
         result["lag_load_rps"]) = lag_under_load(primary, replicas)
        log(f"{name}: a stopped replica catching up")
        result["catchup_s"], result["apply_rate"] = catch_up(primary, replicas[0])
    finally:
        for server in servers:
            server.stop()
    result["set_ratio"] = result["set_rps_2"] / result["set_rps_0"]
    result["get_ratio"] = result["get_rps_2"] / result["get_rps_0"]
    return result


def main():
    ours, theirs = measure_both("replication", measure, KEYS, VALUE_SIZE, TANDEM, REDIS)

    print(f"{KEYS:,} keys of {VALUE_SIZE} bytes; redis-benchmark -c {CLIENTS} -P {PIPELINE} "
          f"-r {KEYS} -d {VALUE_SIZE}: set,get -n {REQUESTS:,}, lag load set -n {LAG_REQUESTS:,}; "
          f"each server replicates to its own kind\n")
    rows = [
        ("full sync to a fresh replica (s)", "full_sync_s", "{:.2f}"),
        ("SET rps, no replica", "set_rps_0", "{:,.0f}"),
        ("SET rps, 2 replicas", "set_rps_2", "{:,.0f}"),
        ("SET rps 2 replicas / none", "set_ratio", "{:.2f}"),
        ("GET rps, no replica", "get_rps_0", "{:,.0f}"),
        ("GET rps, 2 replicas", "get_rps_2", "{:,.0f}"),
        ("GET rps 2 replicas / none", "get_ratio", "{:.2f}"),
        ("SET rps during the lag run", "lag_load_rps", "{:,.0f}"),
        ("replication lag, max (KiB)", "lag_max", lambda v: f"{v / 1024:,.1f}"),
        ("replication lag, p99 (KiB)", "lag_p99", lambda v: f"{v / 1024:,.1f}"),
        ("lag samples (both replicas)", "lag_samples", "{}"),
        (f"catch-up after {CATCHUP_REQUESTS:,} SETs held back (s)", "catchup_s", "{:.2f}"),
        ("replica apply rate while catching up (MiB/s)", "apply_rate",
         lambda v: f"{v / MiB:,.1f}"),
    ]
    print_table(rows, ours, theirs)
    print()
    checks = [
        ("full sync no slower than redis->redis", ours["full_sync_s"] <= theirs["full_sync_s"]),
        ("SET with 2 replicas >= 0.9x without", ours["set_ratio"] >= 0.9),
        ("lag under 1 MiB at every sample", ours["lag_max"] < MiB),
    ]
    print("Targets (tandem): " + "; ".join(f"{what}: {'yes' if ok else 'NO'}"
                                           for what, ok in checks))


if __name__ == "__main__":
    main()
