#!/usr/bin/env python3
"""Persistence benchmark, tandem-server and redis-server one after the other in the same run, on the
same data (KEYS keys of VALUE_SIZE bytes, named as redis-benchmark's -r names them so that its
writes hit them): SAVE time, BGSAVE time, RDB size, load time at start-up, BGREWRITEAOF time, and
SET p99 latency and peak memory growth while BGSAVEs run back to back under a redis-benchmark write
load, compared with the same load and no save. Memory is the proportional set size (Pss) of the
server plus its fork child, so pages a child shares with its parent count once, sampled in a second
run of the same load (sampling slows the server). Prints markdown;
progress goes to stderr. Run through bench/persistence.sh."""
import csv
import io
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis

KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE_SIZE = int(os.environ.get("VALUE_SIZE", "100"))
LOAD_REQUESTS = int(os.environ.get("LOAD_REQUESTS", "400000"))
TANDEM = os.environ.get("TANDEM_SERVER", "build/release/server/app/tandem-server")
REDIS = os.environ.get("REDIS_SERVER", "redis-server")
TIMEOUT_S = 600


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, binary, directory):
        self.name, self.binary, self.dir = name, binary, directory
        self.port = free_port()
        self.proc = None

    def start(self):
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.dir), "--dbfilename", "dump.rdb"]
        log_file = open(self.dir / "server.log", "ab")
        began = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=log_file, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = began + TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {(self.dir / 'server.log').read_text()}")
            try:
                if self.client().ping():
                    return time.monotonic() - began
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.ConnectionError:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not start")

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=TIMEOUT_S)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def pss(self):
        """Pss of the server and its children (a fork child), in bytes."""
        pids = [self.proc.pid]
        try:
            pids += [int(p) for p in pathlib.Path(
                f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
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
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        info = client.info("persistence")
        if str(info.get(field)) == value:
            return info
        time.sleep(0.005)
    raise RuntimeError(f"{field} never became {value}")


def load_keys(server, resp_path):
    with open(resp_path, "rb") as f:
        subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], stdin=f, check=True,
                       stdout=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert server.client().dbsize() == KEYS


def write_load_p99(server, requests):
    """Runs redis-benchmark SET with random existing keys; returns (p99 ms, requests/s)."""
    out = subprocess.run(
        ["redis-benchmark", "-p", str(server.port), "-t", "set", "-n", str(requests), "-r",
         str(KEYS), "-d", str(VALUE_SIZE), "-c", "50", "--csv"],
        capture_output=True, text=True, check=True, timeout=TIMEOUT_S).stdout
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["test"] == "SET")
    return float(row["p99_latency_ms"]), float(row["rps"])


def during_bgsaves(server, sample_memory):
    """p99, requests/s, peak Pss growth (when sample_memory) and BGSAVEs completed while BGSAVE
    runs back to back under the write load. Reading smaps_rollup takes the server's mmap lock and
    itself raises its p99, so latency and memory are measured in separate runs."""
    client = server.client()
    start_pss = server.pss() if sample_memory else 0
    peak = [start_pss]
    done = threading.Event()

    def sample():
        while sample_memory and not done.is_set():
            peak[0] = max(peak[0], server.pss())
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
    directory.mkdir()
    server = Server(name, binary, directory)
    result = {}
    try:
        server.start()
        log(f"{name}: loading {KEYS:,} keys")
        load_keys(server, resp_path)
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
        result["base_pss"] = server.pss()
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
    work = pathlib.Path(tempfile.mkdtemp(prefix="tandem-persistence."))
    try:
        resp_path = work / "load.resp"
        value = b"v" * VALUE_SIZE
        with open(resp_path, "wb") as f:
            for i in range(KEYS):
                key = b"key:%012d" % i
                f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
        ours = measure("tandem", os.path.abspath(TANDEM), work, resp_path)
        theirs = measure("redis", shutil.which(REDIS) or REDIS, work, resp_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    mib = 1024 * 1024
    print(f"{KEYS:,} keys of {VALUE_SIZE} bytes; write load: redis-benchmark SET -c 50 -r {KEYS} "
          f"-n {LOAD_REQUESTS:,}\n")
    print("| measure | tandem | redis | tandem/redis |")
    print("|---|---:|---:|---:|")
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
    for label, key, fmt in rows:
        show = fmt.format if isinstance(fmt, str) else fmt
        a, b = ours[key], theirs[key]
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"| {label} | {show(a)} | {show(b)} | {ratio} |")
    print()
    print(f"p99 during saves / p99 without: tandem {ours['save_p99'] / ours['idle_p99']:.2f}, "
          f"redis {theirs['save_p99'] / theirs['idle_p99']:.2f}")


if __name__ == "__main__":
    main()
