"""What the Python benchmarks share: a server process on a free loopback port with persistence off
(each benchmark adds its own flags), bounded polling, the RESP file of KEYS SETs that loads the
data set, and the side-by-side markdown table. Imported as `bench_servers`: the benchmarks run as
`python3 bench/<name>.py`, so this folder is first on sys.path."""
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
import time

import redis

TIMEOUT_S = 600


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, limit=TIMEOUT_S, interval=0.01, state=None):
    """Polls predicate() until it is true; after limit seconds raises RuntimeError naming `what`
    and, when given, state() (what was last seen)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    seen = f": {state()}" if state else ""
    raise RuntimeError(f"{what} not reached within {limit}s{seen}")


class Server:
    """One server process in `directory` (made if missing), listening on a free loopback port with
    --save '' and --appendonly no, then `args` (the benchmark's own flags). Stopped by pid."""

    def __init__(self, name, binary, directory, args=()):
        self.name, self.binary, self.dir, self.args = name, binary, directory, list(args)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = None
        self.log_file = None

    def start(self):
        """Starts the process; returns the seconds until it answered PING (its data loaded)."""
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.dir), *self.args]
        self.log_file = open(self.dir / "server.log", "ab")
        began = time.monotonic()
        self.proc = subprocess.Popen(command, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        wait_for(self._answers, f"{self.name} answering PING", state=self.log_tail)
        return time.monotonic() - began

    def _answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
        try:
            return self.client().ping()
        except redis.exceptions.ConnectionError:  # BusyLoadingError included
            return False

    def log_tail(self):
        return (self.dir / "server.log").read_text(errors="replace")[-2000:]

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=TIMEOUT_S)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.log_file:
            self.log_file.close()
            self.log_file = None


def _write_load_file(path, keys, value_size):
    """Writes the RESP of `keys` SETs of key:%012d (redis-benchmark -r's key names) to path."""
    value = b"v" * value_size
    with open(path, "wb") as f:
        for i in range(keys):
            key = b"key:%012d" % i
            f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                    % (len(key), key, len(value), value))


def load_keys(server, resp_path, keys):
    """Pipes the load file into the server with redis-cli --pipe and checks it holds `keys` keys."""
    with open(resp_path, "rb") as f:
        subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], stdin=f, check=True,
                       stdout=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert server.client().dbsize() == keys


def redis_benchmark(server, *args):
    """The CSV rows (dicts) of one redis-benchmark --csv run against the server."""
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), *map(str, args), "--csv"],
                         capture_output=True, text=True, check=True, timeout=TIMEOUT_S).stdout
    return list(csv.DictReader(io.StringIO(out)))


def measure_both(name, measure, keys, value_size, tandem, redis_server):
    """Writes the load file of `keys` SETs of value_size bytes in a new temporary folder, then
    runs measure(server name, binary, folder, load file path) for tandem and for redis; returns
    (tandem's result, redis's result). The folder is removed at the end, also on failure."""
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"tandem-{name}."))
    try:
        resp_path = work / "load.resp"
        _write_load_file(resp_path, keys, value_size)
        ours = measure("tandem", os.path.abspath(tandem), work, resp_path)
        theirs = measure("redis", shutil.which(redis_server) or redis_server, work, resp_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ours, theirs


def print_table(rows, ours, theirs):
    """A markdown table of (label, key, format) rows with tandem's and redis's values and their
    ratio; format is a str.format pattern or a function of the value."""
    print("| measure | tandem | redis | tandem/redis |")
    print("|---|---:|---:|---:|")
    for label, key, fmt in rows:
        show = fmt.format if isinstance(fmt, str) else fmt
        a, b = ours[key], theirs[key]
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"| {label} | {show(a)} | {show(b)} | {ratio} |")
