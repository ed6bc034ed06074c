"""deploy/cluster.sh, what `make run` starts: a primary, two replicas and three sentinels on free
loopback ports with a tmp RUN_DIR. Checks the printed topology and Django settings (and that
those settings work with django-redis), `status`, `failover`, `stop` (no recorded pid left), a
restart keeping the last primary and its data, and that SIGINT (or SIGTERM) to a foreground start
stops everything. Binaries: TANDEM_SERVER / TANDEM_SENTINEL as the other suites. Every wait is
bounded; whatever a test leaves running is killed by its recorded pid at teardown."""
import importlib.util
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading

import pytest
import redis

from conftest import REPO, server_binary
from support.processes import free_port
from support.sentinel import sentinel_available, sentinel_binary
from support.waits import wait_until

SCRIPT = REPO / "deploy" / "cluster.sh"
NAMES = ["PRIMARY_PORT", "REPLICA1_PORT", "REPLICA2_PORT",
         "SENTINEL1_PORT", "SENTINEL2_PORT", "SENTINEL3_PORT"]

pytestmark = [
    pytest.mark.skipif(not sentinel_available(), reason="no sentinel binary (make build)"),
    pytest.mark.skipif(shutil.which("redis-cli") is None, reason="needs redis-cli (redis-tools)"),
]


def free_ports(count):
    """Distinct free loopback ports."""
    ports = set()
    while len(ports) < count:
        ports.add(free_port())
    return list(ports)


def process_gone(pid):
    """True when pid no longer exists or is a zombie waiting to be reaped."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


class Cluster:
    """One cluster.sh cluster: its environment, the commands, and the pids it recorded."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        ports = free_ports(len(NAMES))
        self.ports = dict(zip(NAMES, ports))
        self.servers = ports[:3]
        self.sentinels = ports[3:]
        self.env = dict(os.environ, RUN_DIR=str(run_dir), TANDEM_SERVER=server_binary(),
                        TANDEM_SENTINEL=sentinel_binary(), START_TIMEOUT="60",
                        FAILOVER_TIMEOUT="60", **{k: str(v) for k, v in self.ports.items()})
        self.seen_pids = set()
        self.foreground = None

    def run(self, *args, check=True, timeout=120):
        done = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        self.record_pids()
        if check:
            assert done.returncode == 0, f"{args}: rc {done.returncode}\n{done.stdout}{done.stderr}"
        return done

    def recorded_pids(self):
        """{node dir name: pid} from the pid files ("<node> <pid> <binary>")."""
        pids = {}
        for pid_file in self.run_dir.glob("*/pid"):
            try:
                pids[pid_file.parent.name] = int(pid_file.read_text().split()[1])
            except (OSError, ValueError, IndexError):
                pass
        return pids

    def record_pids(self):
        self.seen_pids |= set(self.recorded_pids().values())

    def kill_leftovers(self):
        """SIGKILL, by pid, whatever this cluster started that still runs (ours: the command
        line names one of our binaries)."""
        if self.foreground is not None and self.foreground.poll() is None:
            self.foreground.kill()
            self.foreground.wait(timeout=10)
        self.record_pids()
        ours = (pathlib.Path(server_binary()).name, pathlib.Path(sentinel_binary()).name)
        for pid in self.seen_pids:
            try:
                cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if any(name in cmdline for name in ours):
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)

    def client(self, port):
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=5, decode_responses=True)

    def sentinel_opinions(self):
        out = set()
        for port in self.sentinels:
            with self.client(port) as c:
                out.add(int(c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                                              "mymaster")[1]))
        return out

    def role(self, port):
        with self.client(port) as c:
            fields = c.info("replication")
        return fields["role"], fields.get("master_port"), fields.get("master_link_status")

    def wait_gone(self, pids):
        wait_until(lambda: all(process_gone(p) for p in pids), f"pids {sorted(pids)} gone", 20,
                   interval=0.1, state=lambda: [p for p in pids if not process_gone(p)])


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path / "run")
    try:
        yield c
    finally:
        try:
            if (c.run_dir / "cluster.env").exists():
                c.run("stop", check=False, timeout=60)
        finally:
            c.kill_leftovers()


def assert_topology(out, primary, servers, sentinels):
    """The topology the script printed: `primary` with 2 replicas, the others its replicas with
    their link up, every sentinel naming it with 2 replicas and 2 other sentinels."""
    assert re.search(rf"server +:{primary} +primary +offset \d+ +replicas 2\n", out), out
    for port in servers:
        if port != primary:
            assert re.search(rf"server +:{port} +replica of :{primary} +link up +offset \d+\n",
                             out), out
    for port in sentinels:
        assert re.search(rf"sentinel :{port} +primary :{primary} +replicas 2 +other sentinels 2 "
                         rf"+flags master\n", out), out


def django_blocks(out):
    """The two settings blocks the script printed, executed: (multi-LOCATION, Sentinel)."""
    multi = out.split("# --- django-redis multi-LOCATION ---\n")[1].split("\nor the sentinels")[0]
    sentinel = out.split("# --- django-redis SentinelClient ---\n")[1].split("# --- end ---")[0]
    multi_ns, sentinel_ns = {}, {}
    exec(multi, multi_ns)  # noqa: S102 (our own script's output)
    exec(sentinel, sentinel_ns)  # noqa: S102
    return multi_ns, sentinel_ns


DJANGO_CHECK = """
import sys, time
from django.conf import settings
caches = eval(sys.argv[1])
factory = sys.argv[2]
if factory:
    settings.configure(CACHES=caches, DJANGO_REDIS_CONNECTION_FACTORY=factory)
else:
    settings.configure(CACHES=caches)
import django
django.setup()
from django.core.cache import cache
cache.set("cluster-check", "yes", timeout=60)
deadline = time.monotonic() + 10
while cache.get("cluster-check") != "yes":  # read from a replica: may lag a little
    assert time.monotonic() < deadline, "the value never reached the replicas"
    time.sleep(0.05)
print("ok")
"""


def check_django(caches, factory=""):
    """Runs django-redis with these settings in a fresh interpreter: a set then a get."""
    done = subprocess.run([sys.executable, "-c", DJANGO_CHECK, repr(caches), factory],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stdout + done.stderr


def test_start_status_failover_stop_and_restart(cluster):
    primary, replicas = cluster.servers[0], cluster.servers[1:]
    out = cluster.run("start", "--background").stdout
    assert "Cluster ready (background)" in out
    assert_topology(out, primary, cluster.servers, cluster.sentinels)
    pids = cluster.recorded_pids()
    assert sorted(pids) == sorted([f"server-{p}" for p in cluster.servers]
                                  + [f"sentinel-{p}" for p in cluster.sentinels])
    assert not any(process_gone(p) for p in pids.values())  # the script returned, they run on

    multi, sentinel = django_blocks(out)
    assert multi["CACHES"]["default"]["LOCATION"] == [
        f"redis://127.0.0.1:{p}/0" for p in [primary, *replicas]]
    assert sentinel["DJANGO_REDIS_CONNECTION_FACTORY"] == \
        "django_redis.pool.SentinelConnectionFactory"
    options = sentinel["CACHES"]["default"]["OPTIONS"]
    assert options["CLIENT_CLASS"] == "django_redis.client.SentinelClient"
    assert options["SENTINELS"] == [("127.0.0.1", p) for p in cluster.sentinels]
    assert sentinel["CACHES"]["default"]["LOCATION"] == "redis://mymaster/0"
    if importlib.util.find_spec("django_redis"):  # Debian's python3-django-redis
        check_django(multi["CACHES"])
        check_django(sentinel["CACHES"], sentinel["DJANGO_REDIS_CONNECTION_FACTORY"])

    # The example configs carry the safe settings.
    with cluster.client(primary) as c:
        assert c.config_get("min-replicas-to-write")["min-replicas-to-write"] == "1"
        assert c.config_get("min-replicas-max-lag")["min-replicas-max-lag"] == "10"
        c.set("before-failover", "1")
        assert c.execute_command("WAIT", 2, 5000) == 2

    status = cluster.run("status").stdout
    assert "6 of 6 processes running" in status
    assert_topology(status, primary, cluster.servers, cluster.sentinels)

    out = cluster.run("failover").stdout
    found = re.search(r"New primary: 127\.0\.0\.1:(\d+) \(old 127\.0\.0\.1:(\d+)\)", out)
    assert found, out
    new, old = int(found[1]), int(found[2])
    assert old == primary and new in replicas
    assert cluster.sentinel_opinions() == {new}
    assert cluster.role(new)[0] == "master"
    wait_until(lambda: cluster.role(primary) == ("slave", new, "up"),
               "the old primary a replica of the new", 30, interval=0.1,
               state=lambda: cluster.role(primary))
    assert_topology(out, new, cluster.servers, cluster.sentinels)
    with cluster.client(new) as c:
        assert c.get("before-failover") == "1"
        c.set("after-failover", "2")
        assert c.execute_command("WAIT", 2, 5000) == 2

    pids = cluster.recorded_pids()
    out = cluster.run("stop").stdout
    assert "Stopped 6 processes" in out
    cluster.wait_gone(pids.values())
    assert cluster.recorded_pids() == {}
    assert cluster.run("status", check=False).returncode == 1
    assert "No cluster running" in cluster.run("stop").stdout

    # A restart begins with the primary of the last run, and with its data.
    out = cluster.run("start", "--background").stdout
    assert_topology(out, new, cluster.servers, cluster.sentinels)
    with cluster.client(new) as c:
        assert c.mget("before-failover", "after-failover") == ["1", "2"]
    cluster.run("stop")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_a_foreground_start(cluster, signum):
    proc = subprocess.Popen(["bash", str(SCRIPT), "start"], env=cluster.env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    cluster.foreground = proc
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    wait_until(lambda: "Cluster ready: Ctrl-C stops it." in "".join(lines), "a ready cluster",
               90, interval=0.1, state=lambda: "".join(lines)[-2000:] + f" rc={proc.poll()}")
    cluster.record_pids()
    pids = list(cluster.recorded_pids().values())
    assert len(pids) == 6 and not any(process_gone(p) for p in pids)
    assert_topology("".join(lines), cluster.servers[0], cluster.servers, cluster.sentinels)

    proc.send_signal(signum)
    assert proc.wait(timeout=60) == 0
    reader.join(timeout=10)
    assert "Stopped." in "".join(lines)
    cluster.wait_gone(pids)
    for port in cluster.servers + cluster.sentinels:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_start_refuses_a_port_in_use(cluster):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cluster.env["REPLICA2_PORT"] = str(port)
        done = cluster.run("start", "--background", check=False, timeout=60)
    assert done.returncode == 1
    assert f"port {port} is in use" in done.stderr
    assert cluster.recorded_pids() == {}
