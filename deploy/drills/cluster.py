"""Three hosts, each running one server (port 6379) and one sentinel (port 26379) bound to the
host's address, started inside the drill's namespace. Host 0 starts as the primary.

Every process runs under `setpriv --pdeathsig KILL`, so it dies with the drill even if the drill
is killed with SIGKILL; all are stopped by pid (Proc.stop, Cluster.stop, stop_all at exit)."""
import os
import pathlib
import signal
import subprocess
import time
from dataclasses import dataclass

import redis

from netns import HOSTS

SERVER_PORT = 6379
SENTINEL_PORT = 26379
MASTER = "mymaster"
QUORUM = 2
# 1000 ms: the reference layout's (tests/integration/support/sentinel.py); it held over 30-drill
# series on this 2-core machine without a spurious +sdown, and keeps each drill short.
DOWN_AFTER_MS = 1000
# Long enough for a promotion and the repointing of a small data set; short enough that Redis
# Sentinel's retry after a split election (2 x failover-timeout) stays within a drill.
FAILOVER_TIMEOUT_MS = 5000
# Safe mode: a primary accepts writes only while a replica acknowledged within 2 s. Replicas ack
# every second, so 2 tolerates one late ack without refusing writes on a healthy link, and an
# isolated primary stops accepting writes 2-3 s after it lost its replicas.
MIN_REPLICAS_MAX_LAG = 2

_live = {}  # pid -> Popen of every process started and not yet reaped
started_pids = []  # every pid ever started, for the drill's final report


@dataclass
class Implementation:
    name: str
    server: str
    sentinel: str

    @property
    def redis_sentinel(self):
        return pathlib.Path(self.sentinel).name in ("redis-server", "redis-sentinel")


class Proc:
    """One process with a fixed command line, log in its directory; restartable."""

    def __init__(self, label, directory, host, port):
        self.label, self.dir, self.host, self.port = label, directory, host, port
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.dir / "log.txt"
        self.popen = None

    def command(self):
        raise NotImplementedError

    def start(self, timeout=10.0):
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", *self.command()],
                                          stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        _live[self.popen.pid] = self.popen
        started_pids.append(self.popen.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.label} exited: {self.log_tail()}")
            try:
                with self.client(socket_timeout=0.5) as c:
                    c.ping()
                return self
            except redis.exceptions.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.label} not answering within {timeout}s: {self.log_tail()}")

    def client(self, **kwargs):
        kwargs.setdefault("socket_timeout", 2)
        kwargs.setdefault("socket_connect_timeout", 2)
        return redis.Redis(host=self.host, port=self.port, decode_responses=True, **kwargs)

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def _signal(self, sig):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def kill9(self):
        self._signal(signal.SIGKILL)
        self._reap()

    def pause(self):
        self._signal(signal.SIGSTOP)

    def resume(self):
        self._signal(signal.SIGCONT)

    def stop(self):
        """SIGCONT (a paused process), SIGTERM, SIGKILL after 5 s."""
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGTERM)
        try:
            if self.popen:
                self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
        self._reap()

    def restart(self):
        self.stop()
        return self.start()

    def _reap(self):
        if self.popen:
            self.popen.wait(timeout=5)
            _live.pop(self.popen.pid, None)

    def log_tail(self, chars=1500):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class Server(Proc):
    """A server without persistence. `replicaof` (a host or None) is read at every start: a node
    restarts as a replica of the primary the sentinels name, as its config file would say once
    Redis Sentinel rewrote it."""

    def __init__(self, impl, directory, host, replicaof, safe):
        super().__init__(f"server@{host}", directory, host, SERVER_PORT)
        self.impl, self.replicaof, self.safe = impl, replicaof, safe

    def command(self):
        cmd = [self.impl.server, "--port", str(SERVER_PORT), "--bind", self.host,
               "--bind-source-addr", self.host, "--protected-mode", "no", "--save", "",
               "--appendonly", "no", "--dir", str(self.dir)]
        if self.replicaof and self.replicaof != self.host:
            cmd += ["--replicaof", self.replicaof, str(SERVER_PORT)]
        if self.safe:
            cmd += ["--min-replicas-to-write", "1",
                    "--min-replicas-max-lag", str(MIN_REPLICAS_MAX_LAG)]
        return cmd

    def info(self):
        with self.client(socket_timeout=0.5, socket_connect_timeout=0.5) as c:
            return c.info("replication")


class Sentinel(Proc):
    def __init__(self, impl, directory, host):
        super().__init__(f"sentinel@{host}", directory, host, SENTINEL_PORT)
        self.impl = impl
        self.conf = self.dir / "sentinel.conf"
        # Written once: Redis Sentinel rewrites it with what it learned, and a restart keeps that.
        # A sentinel's outgoing links leave from bind-source-addr (Redis 7.0 and tandem-sentinel).
        self.conf.write_text("\n".join([
            f"port {SENTINEL_PORT}", f"bind {host}", "protected-mode no",
            f"bind-source-addr {host}",
            f"dir {self.dir}",
            f"sentinel monitor {MASTER} {HOSTS[0]} {SERVER_PORT} {QUORUM}",
            f"sentinel down-after-milliseconds {MASTER} {DOWN_AFTER_MS}",
            f"sentinel failover-timeout {MASTER} {FAILOVER_TIMEOUT_MS}",
            f"sentinel parallel-syncs {MASTER} 1"]) + "\n")

    def command(self):
        cmd = [self.impl.sentinel, str(self.conf)]
        return cmd + ["--sentinel"] if self.impl.redis_sentinel else cmd

    def primary(self):
        """The host this sentinel names as primary, or None."""
        with self.client(socket_timeout=0.5, socket_connect_timeout=0.5) as c:
            reply = c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
        return reply[0] if reply else None

    def master_fields(self):
        with self.client(socket_timeout=0.5, socket_connect_timeout=0.5) as c:
            reply = c.execute_command("SENTINEL", "MASTER", MASTER)
        return reply if isinstance(reply, dict) else dict(zip(reply[::2], reply[1::2]))


def stop_all():
    """Kills every process still running (by pid); for exit paths."""
    for pid, popen in list(_live.items()):
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
            popen.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _live.pop(pid, None)


class Cluster:
    """The three hosts' servers and sentinels for one run, in base/<host>/{server,sentinel}."""

    def __init__(self, impl, base, safe):
        self.servers = [Server(impl, base / h / "server", h, None if i == 0 else HOSTS[0], safe)
                        for i, h in enumerate(HOSTS)]
        self.sentinels = [Sentinel(impl, base / h / "sentinel", h) for h in HOSTS]

    def start(self, limit=30.0):
        for proc in self.servers + self.sentinels:
            proc.start()
        wait(lambda: self.discovered(), "sentinels discovering the layout", limit, self.describe)
        wait(lambda: self.settled() == self.servers[0], "replicas in sync", limit, self.describe)

    def stop(self):
        for proc in self.sentinels + self.servers:
            proc.stop()

    def server(self, host):
        return next(s for s in self.servers if s.host == host)

    def discovered(self):
        """Every sentinel knows two replicas and two other sentinels."""
        for s in self.sentinels:
            m = s.master_fields()
            if int(m["num-slaves"]) != 2 or int(m["num-other-sentinels"]) != 2:
                return False
        return True

    def opinions(self, sentinels=None):
        """{sentinel host: primary host or an error string}."""
        out = {}
        for s in sentinels or self.sentinels:
            if not s.alive():
                continue
            try:
                out[s.host] = s.primary()
            except redis.exceptions.RedisError as err:
                out[s.host] = type(err).__name__
        return out

    def agreed_primary(self, sentinels=None, other_than=None):
        """The primary server every given live sentinel names (other than `other_than`) if it
        reports role master, else None."""
        hosts = set(self.opinions(sentinels).values())
        if len(hosts) != 1:
            return None
        host = hosts.pop()
        if host not in HOSTS or host == other_than:
            return None
        server = self.server(host)
        try:
            return server if server.info()["role"] == "master" else None
        except redis.exceptions.RedisError:
            return None

    def settled(self):
        """The agreed primary once every other live server replicates it with its link up and
        at its offset (the loss count is final then), else None."""
        primary = self.agreed_primary()
        if primary is None:
            return None
        try:
            offset = int(primary.info()["master_repl_offset"])
            for s in self.servers:
                if s is primary or not s.alive():
                    continue
                f = s.info()
                if (f["role"] != "slave" or f.get("master_host") != primary.host
                        or f.get("master_link_status") != "up"
                        or int(f.get("slave_repl_offset", -1)) < offset):
                    return None
        except redis.exceptions.RedisError:
            return None
        return primary

    def describe(self):
        parts = [f"opinions={self.opinions()}"]
        for s in self.servers:
            try:
                f = s.info() if s.alive() else {}
                parts.append(f"{s.host} role={f.get('role')} master={f.get('master_host')} "
                             f"link={f.get('master_link_status')} "
                             f"offset={f.get('master_repl_offset')}")
            except redis.exceptions.RedisError as err:
                parts.append(f"{s.host} <{type(err).__name__}>")
        return " | ".join(parts)


def wait(predicate, what, limit, state=None, interval=0.05):
    """Polls predicate() until it returns a true value (returned); raises after `limit` s."""
    deadline = time.monotonic() + limit
    while True:
        try:
            value = predicate()
        except redis.exceptions.RedisError:
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not within {limit}s; {state() if state else ''}")
        time.sleep(interval)
