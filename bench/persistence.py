#!/usr/bin/env python3
"""Persistence benchmark, tandem-server and redis-server one after the other in the same run, on the
same data (KEYS keys of VALUE_SIZE bytes, named as redis-benchmark's -r names them so that its
writes hit them): SAVE time, BGSAVE time, RDB size, load time at start-up, BGREWRITEAOF time, and
SET p99 latency and peak memory growth while BGSAVEs run back to back under a redis-benchmark write
load, compared with the same load and no save. Memory is the proportional set size (Pss) of the
server plus its fork child, so pages a child shares with its parent count once, sampled in a second
run of the same load (sampling slows the server). Prints markdown;
progress goes to stderr. Run through bench/persistence.sh."""
import os
import pathlib
import threading
import time

import redis

from bench_servers import (Server, load_keys, log, measure_both, print_table, redis_benchmark,
                           wait_for)

KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE_SIZE = int(os.environ.get("VALUE_SIZE", "100"))
LOAD_REQUESTS = int(os.environ.get("LOAD_REQUESTS", "400000"))
TANDEM = os.environ.get("TANDEM_SERVER", "build/release/server/app/tandem-server")
REDIS = os.environ.get("REDIS_SERVER", "redis-server")


def pss(server):
    """Pss of the server and its children (a fork child), in bytes."""
    pids = [server.proc.pid]
    try:
        pids += [int(p) for p in pathlib.Path(
            f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for pid in pids:
        try:
            for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def wait_info(client, field, value):
    """Waits until INFO persistence shows `field` as `value` (text)."""
    wait_for(lambda: str(client.info("persistence").get(field)) == value, f"{field}:{value}",
             interval=0.005)


def write_load_p99(server, requests):
    """Runs redis-benchmark SET with random existing keys; returns (p99 ms, requests/s)."""
    rows = redis_benchmark(server, "-t", "set", "-n", requests, "-r", KEYS, "-d", VALUE_SIZE,
                           "-c", 50)
    row = next(r for r in rows if r["test"] == "SET")
    return float(row["p99_latency_ms"]), float(row["rps"])


def during_bgsaves(server, sample_memory):
    """p99, requests/s, peak Pss growth (when sample_memory) and BGSAVEs completed while BGSAVE
    runs back to back under the write load. Reading smaps_rollup takes the server's mmap lock and
    itself raises its p99, so latency and memory are measured in separate runs."""
    client = server.client()
    start_pss = pss(server) if sample_memory else 0
    peak = [start_pss]
    done = threading.Event()

    def sample():
        while sample_memory and not done.is_set():
            peak[0] = max(peak[0], pss(server))
            time.sleep(0.02)

    def keep_saving():
        while not done.is_set():
            try:
                client.bgsave()
            except redis.exceptions.ResponseError:
                pass  # one still running
            time.sleep(0.01)

    threads = [threading.Thread(target=sample), threading.Thread(target=keep_saving)]
    for t in threads:
        t.start()
    saves_before = client.info("persistence")["rdb_saves"]
    try:
        p99, rps = write_load_p99(server, LOAD_REQUESTS)
    finally:
        done.set()
        for t in threads:
            t.join()
    wait_info(client, "rdb_bgsave_in_progress", "0")
    saves = client.info("persistence")["rdb_saves"] - saves_before
    return p99, rps, peak[0] - start_pss, saves


def measure(name, binary, work, resp_path):
    directory = work / name
    server = Server(name, binary, directory, ["--dbfilename", "dump.rdb"])
    result = {}
    try:
        server.start()
        log(f"{name}: loading {KEYS:,} keys")
        load_keys(server, resp_path, KEYS)
        client = server.client()
        began = time.monotonic()
        client.save()
        result["save_s"] = time.monotonic() - began
        result["rdb_bytes"] = (directory / "dump.rdb").stat().st_size
        began = time.monotonic()
        client.bgsave()
        wait_info(client, "rdb_bgsave_in_progress", "0")
        result["bgsave_s"] = time.monotonic() - began
        log(f"{name}: write load without a save")
        result["idle_p99"], result["idle_rps"] = write_load_p99(server, LOAD_REQUESTS)
        log(f"{name}: write load during back-to-back BGSAVEs")
        (result["save_p99"], result["save_rps"], _,
         result["saves_during_load"]) = during_bgsaves(server, sample_memory=False)
        log(f"{name}: the same, sampling memory")
        _, _, result["pss_growth"], _ = during_bgsaves(server, sample_memory=True)
        result["base_pss"] = pss(server)
        client.save()
        server.stop()
        log(f"{name}: restart and load")
        result["load_s"] = server.start()
        client = server.client()
        assert client.dbsize() == KEYS
        client.config_set("appendonly", "yes")
        wait_info(client, "aof_rewrite_in_progress", "0")
        began = time.monotonic()
        client.bgrewriteaof()
        time.sleep(0.005)
        wait_info(client, "aof_rewrite_in_progress", "0")
        result["aof_rewrite_s"] = time.monotonic() - began
    finally:
        server.stop()
    return result


def main():
    ours, theirs = measure_both("persistence", measure, KEYS, VALUE_SIZE, TANDEM, REDIS)

    mib = 1024 * 1024
    print(f"{KEYS:,} keys of {VALUE_SIZE} bytes; write load: redis-benchmark SET -c 50 -r {KEYS} "
          f"-n {LOAD_REQUESTS:,}\n")
    rows = [
        ("SAVE (s)", "save_s", "{:.2f}"),
        ("BGSAVE, no load (s)", "bgsave_s", "{:.2f}"),
        ("RDB size (MiB)", "rdb_bytes", lambda v: f"{v / mib:.1f}"),
        ("load at start-up (s)", "load_s", "{:.2f}"),
        ("BGREWRITEAOF (s)", "aof_rewrite_s", "{:.2f}"),
        ("SET p99, no save (ms)", "idle_p99", "{:.3f}"),
        ("SET p99, BGSAVE running (ms)", "save_p99", "{:.3f}"),
        ("SET rps, no save", "idle_rps", "{:,.0f}"),
        ("SET rps, BGSAVE running", "save_rps", "{:,.0f}"),
        ("BGSAVEs completed during the load", "saves_during_load", "{}"),
        ("server Pss after load (MiB)", "base_pss", lambda v: f"{v / mib:.1f}"),
        ("peak Pss growth, BGSAVE running (MiB)", "pss_growth", lambda v: f"{v / mib:.1f}"),
    ]
    print_table(rows, ours, theirs)
    print()
    print(f"p99 during saves / p99 without: tandem {ours['save_p99'] / ours['idle_p99']:.2f}, "
          f"redis {theirs['save_p99'] / theirs['idle_p99']:.2f}")


if __name__ == "__main__":
    main()
