"""Sentinel harness: sentinel processes on free loopback ports, the reference layout (1 primary +
2 replicas + 3 sentinels), event subscribers, a continuous writer and the acknowledged-write check.

TANDEM_SENTINEL names the sentinel binary (default: see sentinel_binary()). When it
names redis-server or redis-sentinel, the sentinel runs as `<binary> <conf> --sentinel`; otherwise
as `tandem-sentinel <conf>`. The same sentinel.conf serves both: tandem-sentinel reads Redis's
syntax, keeps what it learns in <dir>/sentinel-state.pb and never rewrites the conf, while Redis
rewrites the conf with its state (so a restart must reuse the file, never write it again).
Every process is stopped by pid; every wait is bounded."""
import collections
import os
import pathlib
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

import redis
import redis.sentinel

from support.processes import ServerProcess, free_port
from support.replication import describe, info, start_replicated
from support.waits import wait_until

REPO = pathlib.Path(__file__).resolve().parents[3]
DEFAULT_SENTINEL = REPO / "build" / "release" / "sentinel" / "tandem-sentinel"
MASTER = "mymaster"
STATE_FILE = "sentinel-state.pb"

# The reference layout's timings. down-after 1000 is the issue's. failover-timeout 5000: long
# enough for a promotion and the repointing of a near-empty data set on a loaded 2-core machine,
# short enough that Redis Sentinel's retry after a failed election or a dead leader (it waits
# 2 x failover-timeout since it last started or voted) stays within the tests' bounds.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000
QUORUM = 2


def sentinel_binary() -> str:
    """TANDEM_SENTINEL; else the tandem-sentinel of the build that TANDEM_SERVER comes from
    (<build>/server/app/tandem-server -> <build>/sentinel/tandem-sentinel, so ctest's runs pick
    their own build's), when it exists; else the Release build's."""
    if "TANDEM_SENTINEL" in os.environ:
        return os.environ["TANDEM_SENTINEL"]
    server = pathlib.Path(os.environ.get("TANDEM_SERVER", ""))
    if server.name == "tandem-server" and server.parent.parent.name == "server":
        sibling = server.parents[2] / "sentinel" / "tandem-sentinel"
        if sibling.exists():
            return str(sibling)
    return str(DEFAULT_SENTINEL)


def is_redis_sentinel(binary=None) -> bool:
    return pathlib.Path(binary or sentinel_binary()).name in ("redis-server", "redis-sentinel")


def sentinel_available(binary=None) -> bool:
    binary = binary or sentinel_binary()
    return os.access(binary, os.X_OK) or shutil.which(binary) is not None


def sentinel_conf(port, directory, primary_port, quorum=QUORUM, down_after=DOWN_AFTER_MS,
                  failover_timeout=FAILOVER_TIMEOUT_MS, parallel_syncs=1, extra=(), name=MASTER):
    """The sentinel.conf text both implementations read."""
    lines = [f"port {port}", "bind 127.0.0.1", f"dir {directory}",
             f"sentinel monitor {name} 127.0.0.1 {primary_port} {quorum}",
             f"sentinel down-after-milliseconds {name} {down_after}",
             f"sentinel failover-timeout {name} {failover_timeout}",
             f"sentinel parallel-syncs {name} {parallel_syncs}", *extra]
    return "\n".join(lines) + "\n"


class SentinelProcess:
    """One sentinel in its own directory on a free port. The conf is written on the first start
    only; restart() keeps the directory, the port and whatever the sentinel wrote there."""

    def __init__(self, directory, primary_port, binary=None, **conf):
        self.binary = binary or sentinel_binary()
        self.dir = pathlib.Path(directory).resolve()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.conf_path = self.dir / "sentinel.conf"
        self.log_path = self.dir / "sentinel.log"
        self.conf_text = sentinel_conf(self.port, self.dir, primary_port, **conf)
        self.proc = None
        self.log = None

    @property
    def is_redis(self):
        return is_redis_sentinel(self.binary)

    def command_line(self):
        cmd = [self.binary, str(self.conf_path)]
        return cmd + ["--sentinel"] if self.is_redis else cmd

    def start(self, timeout=10.0):
        if not self.conf_path.exists():
            self.conf_path.write_text(self.conf_text)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command_line(), stdout=self.log,
                                     stderr=subprocess.STDOUT, cwd=self.dir)
        wait_until(self._answers, f"sentinel :{self.port} answering PING", timeout,
                   state=lambda: self.read_log()[-2000:])
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"sentinel exited with {self.proc.returncode}: {self.read_log()}")
        try:
            with self.client(socket_timeout=0.5) as c:
                return c.ping()
        except (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError):
            return True  # it answers (NOAUTH with requirepass set)
        except redis.exceptions.ConnectionError:
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def client(self, **kwargs):
        """A redis-py client with str replies."""
        kwargs.setdefault("socket_timeout", 5)
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, **kwargs)

    def read_log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _close_log(self):
        if self.log:
            self.log.close()
            self.log = None

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; a stopped (SIGSTOP) process is resumed first."""
        if self.alive():
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5.0)
        self._close_log()

    def kill9(self):
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5.0)
        self._close_log()

    def pause(self):
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def restart(self, timeout=10.0):
        self.stop()
        return self.start(timeout)

    # Queries (str replies).
    def master(self, name=MASTER):
        with self.client() as c:
            return c.execute_command("SENTINEL", "MASTER", name)

    def primary_addr(self, name=MASTER):
        """(host, port) from SENTINEL get-master-addr-by-name, or None."""
        with self.client() as c:
            reply = c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)
        return (reply[0], int(reply[1])) if reply else None


def field_dict(reply):
    """SENTINEL MASTER/REPLICAS rows come as a flat list (RESP2) or a dict (redis-py may parse)."""
    if isinstance(reply, dict):
        return reply
    return dict(zip(reply[::2], reply[1::2]))


def node_role(proc):
    """(role, master port or None) of a server process from INFO replication."""
    fields = info(proc.client())
    port = fields.get("master_port")
    return fields["role"], (int(port) if port else None)


class EventLog:
    """Collects (sentinel index, channel, message) from PSUBSCRIBE * on sentinels, one thread
    each, until close(). A sentinel that dies just ends its thread."""

    def __init__(self, sentinels):
        self.events = []
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = []
        self.ready = threading.Barrier(len(sentinels) + 1)
        for index, sentinel in enumerate(sentinels):
            thread = threading.Thread(target=self._run, args=(index, sentinel), daemon=True)
            thread.start()
            self.threads.append(thread)
        self.ready.wait(timeout=10)

    def _run(self, index, sentinel):
        client = sentinel.client(socket_timeout=5)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.psubscribe("*")
            pubsub.get_message(timeout=2)  # the psubscribe confirmation
        finally:
            self.ready.wait(timeout=10)
        try:
            while not self.stop_flag.is_set():
                message = pubsub.get_message(timeout=0.1)
                if message and message["type"] == "pmessage":
                    with self.lock:
                        self.events.append((index, message["channel"], message["data"]))
        except (redis.exceptions.ConnectionError, OSError):
            pass
        finally:
            pubsub.close()
            client.close()

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def of(self, channel, index=None):
        return [(i, m) for i, c, m in self.snapshot()
                if c == channel and (index is None or i == index)]

    def wait_for(self, channel, limit=30.0, index=None):
        """Waits until an event on `channel` (from sentinel `index` if given); returns the first
        (index, message)."""
        return wait_until(lambda: (self.of(channel, index) or [None])[0], f"event {channel}",
                          limit, interval=0.01, state=lambda: self.snapshot()[-20:])

    def close(self):
        self.stop_flag.set()
        for thread in self.threads:
            thread.join(timeout=5)


def error_kind(err):
    """'READONLY', 'NOREPLICAS', 'TimeoutError', 'ConnectionError'...: the error code of a
    server error, else the exception class (of the cause, for django-redis's wrapper)."""
    err = err.__cause__ or err
    if isinstance(err, redis.exceptions.ReadOnlyError):  # redis-py drops the code of this one
        return "READONLY"
    if isinstance(err, redis.exceptions.ResponseError):
        return str(err).split(" ", 1)[0]
    return type(err).__name__


class Load:
    """A thread calling step(i) for i = 1, 2, ... until stopped or `limit` seconds passed, then
    sleeping `pace` seconds. `acked` holds (i, sent, answered), the monotonic times of the request
    and of the reply, of every step that returned true (a write the client may count as durable);
    a step raising one of `failures` is counted in `errors` by kind (error_kind), its time in
    `error_times`, and retried as the next i after 10 ms."""

    failures = (Exception,)

    def __init__(self, limit, pace=0.0):
        self.limit = limit
        self.pace = pace
        self.acked = []
        self.errors = collections.Counter()
        self.error_times = []
        self.last_error = None
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        deadline = time.monotonic() + self.limit
        i = 0
        while not self.stop_flag.is_set() and time.monotonic() < deadline:
            i += 1
            sent = time.monotonic()
            try:
                if self.step(i):
                    self.acked.append((i, sent, time.monotonic()))
            except self.failures as err:
                self.errors[error_kind(err)] += 1
                self.error_times.append(time.monotonic())
                self.last_error = err
                time.sleep(0.01)
            if self.pace:
                time.sleep(self.pace)

    def wait_acked(self, count, limit=20.0):
        """Waits until at least `count` steps were acknowledged."""
        wait_until(lambda: len(self.acked) >= count, f"{count} acknowledged writes", limit,
                   state=lambda: f"{len(self.acked)} acked, errors {dict(self.errors)}, "
                                 f"last {self.last_error!r}")

    def first_ack_after(self, moment):
        """When the first acknowledged step sent after `moment` was answered, or None."""
        return next((done for _, sent, done in self.acked if sent > moment), None)

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=10)


class Writer(Load):
    """SET <prefix><i> <i> through redis-py's Sentinel master_for (it asks the sentinels for the
    primary on every new connection). A write counts as acknowledged when the primary answered OK
    and, with wait_replicas, its WAIT <wait_replicas> 200 reported at least that many replicas.
    `sentinels` are ports on 127.0.0.1 or (host, port) pairs; `timeout` bounds every socket
    operation."""

    failures = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                redis.exceptions.ResponseError)  # READONLY, NOREPLICAS...

    def __init__(self, sentinels, name=MASTER, prefix="k:", wait_replicas=0, limit=60.0,
                 pace=0.0, timeout=0.5):
        super().__init__(limit, pace)
        addresses = [s if isinstance(s, tuple) else ("127.0.0.1", s) for s in sentinels]
        self.sentinel = redis.sentinel.Sentinel(addresses, socket_timeout=timeout,
                                                socket_connect_timeout=timeout)
        self.master = self.sentinel.master_for(name, socket_timeout=timeout,
                                               socket_connect_timeout=timeout)
        self.prefix = prefix
        self.wait_replicas = wait_replicas

    def step(self, i):
        self.master.set(f"{self.prefix}{i}", i)
        if self.wait_replicas:
            return self.master.execute_command("WAIT", self.wait_replicas, 200) >= \
                self.wait_replicas
        return True

    def stop(self):
        super().stop()
        self.master.connection_pool.disconnect()


def lost_writes(acked, client, prefix="k:"):
    """The acknowledged write numbers (from Writer.acked) the client's server does not hold."""
    numbers = [entry[0] for entry in acked]
    lost = []
    for start in range(0, len(numbers), 1000):
        chunk = numbers[start:start + 1000]
        values = client.mget([f"{prefix}{i}" for i in chunk])
        lost += [i for i, v in zip(chunk, values) if v is None or int(v) != i]
    return lost


class Layout:
    """1 primary + 2 replicas (started with `start_server(args)`, e.g. server_factory, which
    stops them) + 3 sentinels in `base`, quorum 2. Use through running_layout(), which starts the
    sentinels and stops them whatever happens."""

    def __init__(self, start_server, base, sentinel_binary_path=None, sentinels=3, **conf):
        self.primary, self.replicas = start_replicated(start_server, 2)
        self.servers = [self.primary, *self.replicas]
        base = pathlib.Path(base)
        self.sentinels = [SentinelProcess(base / f"sentinel{n}", self.primary.port,
                                          sentinel_binary_path, **conf) for n in range(sentinels)]

    def stop(self):
        """Stops every sentinel and resumes any server held with SIGSTOP (so that its owner's
        SIGTERM works)."""
        for sentinel in self.sentinels:
            sentinel.stop()
        for server in self.servers:
            if server.proc is not None and server.proc.poll() is None:
                os.kill(server.proc.pid, signal.SIGCONT)

    def live_sentinels(self):
        return [s for s in self.sentinels if s.alive()]

    def sentinel_ports(self):
        return [s.port for s in self.sentinels]

    def server_at(self, port):
        return next(s for s in self.servers if s.port == port)

    def wait_discovered(self, limit=30.0):
        """Waits until every live sentinel knows 2 replicas and the other live sentinels."""
        live = self.live_sentinels()

        def ready():
            for s in live:
                m = field_dict(s.master())
                if (int(m["num-slaves"]) != 2
                        or int(m["num-other-sentinels"]) != len(live) - 1):
                    return False
                with s.client() as c:
                    peers = [field_dict(p) for p in c.execute_command("SENTINEL", "SENTINELS",
                                                                        MASTER)]
                if any("disconnected" in p["flags"] for p in peers):
                    return False
            return True
        wait_until(ready, "every sentinel knows 2 replicas and the other sentinels", limit,
                   interval=0.05, state=self.describe)

    def opinions(self):
        """{sentinel port: primary port} for every live sentinel."""
        out = {}
        for s in self.live_sentinels():
            try:
                addr = s.primary_addr()
                out[s.port] = addr[1] if addr else None
            except redis.exceptions.RedisError as err:
                out[s.port] = repr(err)
        return out

    def wait_switch(self, old_port, limit=45.0):
        """Waits until every live sentinel names the same primary other than old_port and that
        server reports role master; returns its ServerProcess. The default limit leaves room
        for Redis Sentinel to retry after a split election (2 x failover-timeout each)."""
        def switched():
            ports = set(self.opinions().values())
            if len(ports) != 1:
                return None
            port = ports.pop()
            if port in (None, old_port) or not isinstance(port, int):
                return None
            server = self.server_at(port)
            return server if node_role(server)[0] == "master" else None
        return wait_until(switched, f"sentinels agreeing on a primary other than :{old_port}",
                          limit, interval=0.05, state=self.describe)

    def wait_replica_of(self, server, primary, limit=30.0):
        """Waits until `server` is a replica of `primary` with its link up."""
        def ok():
            fields = info(server.client())
            return (fields["role"] == "slave" and int(fields.get("master_port", 0)) == primary.port
                    and fields.get("master_link_status") == "up")
        wait_until(ok, f":{server.port} replica of :{primary.port} with link up", limit,
                   interval=0.05, state=lambda: describe(server.client()))

    def describe(self):
        """Sentinel opinions and server roles, for failure messages."""
        parts = [f"opinions={self.opinions()}"]
        for s in self.servers:
            try:
                parts.append(f":{s.port} {describe(s.client())}")
            except Exception as err:  # noqa: BLE001 (a dead node is worth reporting too)
                parts.append(f":{s.port} <{err}>")
        for s in self.live_sentinels():
            try:
                m = field_dict(s.master())
                parts.append(f"sentinel :{s.port} flags={m.get('flags')} "
                             f"slaves={m.get('num-slaves')} "
                             f"others={m.get('num-other-sentinels')} "
                             f"epoch={m.get('config-epoch')}")
            except redis.exceptions.RedisError as err:
                parts.append(f"sentinel :{s.port} <{err}>")
        return " | ".join(parts)


@contextmanager
def running_layout(start_server, base, discovered=True, **kwargs):
    """Yields a Layout with its sentinels started (and, unless discovered is false, every
    sentinel knowing both replicas and the other sentinels); stops the sentinels at the end."""
    layout = Layout(start_server, base, **kwargs)
    try:
        for sentinel in layout.sentinels:
            sentinel.start()
        if discovered:
            layout.wait_discovered()
        yield layout
    finally:
        layout.stop()


@contextmanager
def server_starter(binary, base):
    """Yields start(args) -> a started ServerProcess of `binary` in base/srvN, for layouts that
    outlive one test (server_factory is per test); stops every one at the end, by pid."""
    started = []

    def start(args=()):
        proc = ServerProcess(binary, pathlib.Path(base) / f"srv{len(started)}", list(args), None)
        started.append(proc)
        return proc.start()

    try:
        yield start
    finally:
        for proc in started:
            if proc.proc is not None and proc.proc.poll() is None:
                os.kill(proc.proc.pid, signal.SIGCONT)
            proc.stop()


def kill9(proc):
    """kill -9 of a ServerProcess (by pid); waits for it to be gone."""
    os.kill(proc.proc.pid, signal.SIGKILL)
    proc.proc.wait(timeout=5.0)
