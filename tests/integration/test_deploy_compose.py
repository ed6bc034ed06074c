"""deploy/docker-compose.yml and deploy/Dockerfile, checked without a Docker engine.

`docker-compose config` (Debian's 1.29) must accept the file; its resolved output must hold the six
services with their volumes, health checks, published ports and announced addresses; the
Dockerfile's runtime packages must cover the shared libraries of the binaries just built. Then
the cluster runs here, on loopback: each service's `command:` with service names mapped to
localhost (a name, so the hostname paths are exercised), the compose ports to free ports, /data to
a directory per service and the mounted configs to read-only rewritten copies. It must replicate,
every health check must pass, no config line may be logged as having no effect, and a node
restarted after a failover must come back in the role the sentinels give it, not the one its
command declares. Processes are stopped by pid; every wait is bounded.

Against real Redis (TANDEM_SERVER=/usr/bin/redis-server) only the static checks run: the rest is
about Tandem's binaries and image."""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis

from conftest import is_real_redis, server_binary
from support.processes import free_port
from support.sentinel import sentinel_binary
from support.waits import wait_until

yaml = pytest.importorskip("yaml", reason="python3-yaml is needed to read docker-compose config")

REPO = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
SERVERS = ["node1", "node2", "node3"]
SENTINELS = ["sentinel1", "sentinel2", "sentinel3"]
MASTER = "mymaster"
NO_EFFECT = "has no effect"

tandem_only = pytest.mark.skipif(is_real_redis(), reason="runs Tandem's binaries and entrypoint")


@pytest.fixture(scope="module")
def compose():
    """The resolved compose file, as `docker-compose config` prints it."""
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose is not installed (scripts/install-deps.sh installs it)")
    done = subprocess.run([exe, "-f", str(COMPOSE_FILE), "config"], capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def option(command, name, count=1):
    """The value(s) after `name` in a command list, or None."""
    if name not in command:
        return None
    i = command.index(name)
    values = command[i + 1:i + 1 + count]
    return values[0] if count == 1 else values


def service_port(service):
    """The one port a service listens on, from its command."""
    return int(option(service["command"], "--port"))


def mounted_configs(service):
    """{container path: host path} of the read-only config files a service mounts."""
    mounts = {}
    for volume in service["volumes"]:
        parts = volume.split(":")
        if parts[1].startswith("/etc/tandem/"):
            assert parts[2:] == ["ro"], f"{volume} must be mounted read-only"
            mounts[parts[1]] = parts[0]
    return mounts


def test_config_is_valid_and_lists_the_six_services(compose):
    assert set(compose["services"]) == set(SERVERS + SENTINELS)
    assert set(compose["volumes"]) == {f"{name}-data" for name in SERVERS + SENTINELS}


@pytest.mark.parametrize("name", SERVERS + SENTINELS)
def test_service_has_volume_healthcheck_and_published_port(compose, name):
    service = compose["services"][name]
    assert f"{name}-data:/data:rw" in service["volumes"]
    configs = mounted_configs(service)
    assert len(configs) == 1
    for host_path in configs.values():
        assert pathlib.Path(host_path).parent == DEPLOY / "docker"
        assert pathlib.Path(host_path).is_file()
    check = service["healthcheck"]
    assert check["test"][0] == "CMD-SHELL" and "redis-cli" in check["test"][1]
    assert f"-p {service_port(service)} " in check["test"][1]
    assert check["interval"] and check["retries"] >= 1
    # Published on the host's loopback, on the port the service listens on and announces.
    port = service_port(service)
    assert service["ports"] == [f"127.0.0.1:{port}:{port}/tcp"]
    assert service["hostname"] == name
    assert service["restart"] == "unless-stopped"
    if name != "node1":
        assert service["depends_on"]["node1"]["condition"] == "service_healthy"


def test_servers_announce_their_service_name_and_port(compose):
    services = compose["services"]
    primary_port = service_port(services["node1"])
    for name in SERVERS:
        command = services[name]["command"]
        assert command[:2] == ["tandem-node", "/etc/tandem/server.conf"]
        assert option(command, "--replica-announce-ip") == name
        assert int(option(command, "--replica-announce-port")) == service_port(services[name])
        expected = None if name == "node1" else ["node1", str(primary_port)]
        assert option(command, "--replicaof", 2) == expected
        sentinels = services[name]["environment"]["TANDEM_SENTINELS"].split()
        assert sentinels == [f"{s}:{service_port(services[s])}" for s in SENTINELS]
        assert services[name]["environment"]["TANDEM_MASTER_NAME"] == MASTER
    assert len({service_port(services[name]) for name in SERVERS + SENTINELS}) == 6


def test_sentinels_announce_their_service_name_and_monitor_node1(compose):
    services = compose["services"]
    for name in SENTINELS:
        command = services[name]["command"]
        assert command[:2] == ["tandem-sentinel", "/etc/tandem/sentinel.conf"]
        pairs = [command[i + 1:i + 3] for i, arg in enumerate(command) if arg == "--sentinel"]
        assert ["announce-ip", name] in pairs
        assert ["announce-port", str(service_port(services[name]))] in pairs
    conf = (DEPLOY / "docker" / "sentinel.conf").read_text().splitlines()
    assert f"sentinel monitor {MASTER} node1 {service_port(services['node1'])} 2" in conf
    assert "sentinel resolve-hostnames yes" in conf
    assert "sentinel announce-hostnames yes" in conf
    assert "dir /data" in conf


def test_server_conf_has_the_safe_replication_defaults():
    conf = (DEPLOY / "docker" / "server.conf").read_text().splitlines()
    assert "min-replicas-to-write 1" in conf
    assert "min-replicas-max-lag 10" in conf
    assert "dir /data" in conf


def apt_packages(run_line):
    """Package names of an `apt-get install` in a Dockerfile RUN instruction."""
    after = run_line.split("apt-get install", 1)[1].split("&&")[0]
    return {word for word in after.split() if not word.startswith("-") and word != "\\"}


def dockerfile_stages():
    """[(FROM image, joined RUN instructions text)] of deploy/Dockerfile."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    stages = []
    for line in text.splitlines():
        if line.startswith("FROM "):
            stages.append([line.split()[1], ""])
        elif line.startswith("RUN ") and stages:
            stages[-1][1] += line + "\n"
    return stages


def test_dockerfile_builds_from_debian_packages_listed_by_install_deps():
    stages = dockerfile_stages()
    assert [image for image, _ in stages] == ["debian:bookworm", "debian:bookworm-slim"]
    build = apt_packages(stages[0][1])
    script = (REPO / "scripts" / "install-deps.sh").read_text()
    listed = set(script.split("PACKAGES=(", 1)[1].split(")", 1)[0].split())
    assert build <= listed, build - listed
    assert {"cmake", "ninja-build", "libprotobuf-dev", "liblua5.1-0-dev"} <= build
    for source in ["deploy/docker/tandem-node", "deploy/docker/server.conf",
                   "deploy/docker/sentinel.conf"]:
        assert source in (DEPLOY / "Dockerfile").read_text()
        assert (REPO / source).is_file()
    assert os.access(DEPLOY / "docker" / "tandem-node", os.X_OK)


@tandem_only
def test_runtime_image_packages_cover_the_shared_libraries():
    runtime = apt_packages(dockerfile_stages()[1][1])
    assert "redis-tools" in runtime
    binaries = [server_binary(), sentinel_binary()]
    if not all(os.access(b, os.X_OK) for b in binaries) or shutil.which("dpkg") is None:
        pytest.skip("needs both built binaries and dpkg")
    needed = set()
    for binary in binaries:
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=30)
        for path in re.findall(r"=> (/\S+)", ldd.stdout):
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                                   text=True, timeout=30)
            if owner.returncode != 0:  # merged /usr: dpkg knows the /lib name
                owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True,
                                       timeout=30)
            assert owner.returncode == 0, f"no Debian package owns {path}"
            needed.add(owner.stdout.split(":")[0])
    needed -= {"libc6"}  # in every Debian image
    needed -= {p for p in needed if p.startswith(("libasan", "libubsan"))}  # TANDEM_SANITIZE
    assert needed <= runtime, needed - runtime


# ---- the cluster, run here -------------------------------------------------------------------

class Rewriter:
    """Maps what the compose file says to this machine: service names to localhost, the compose
    ports to free ports, /data and the mounted configs to per-service paths, 0.0.0.0 to
    127.0.0.1 (loopback only)."""

    def __init__(self, compose, base):
        self.base = base
        self.ports = {}
        for name, service in compose["services"].items():
            self.ports[str(service_port(service))] = str(free_port())
        self.names = re.compile(r"\b(?:%s)\b" % "|".join(compose["services"]))
        self.port_re = re.compile(r"\b(?:%s)\b" % "|".join(self.ports))

    def text(self, value, service=None):
        value = self.names.sub("localhost", value)
        value = self.port_re.sub(lambda m: self.ports[m.group(0)], value)
        value = value.replace("0.0.0.0", "127.0.0.1")
        if service is not None:
            value = re.sub(r"(?<![\w/])/data\b", str(self.base / service / "data"), value)
        return value

    def port(self, service):
        return int(self.ports[str(service_port(service))])


class Running:
    """One service's process, run with its rewritten command; its log is <dir>/log."""

    def __init__(self, name, argv, env, directory):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = directory / "log"
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=self.log_path.parent)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def log(self):
        return self.log_path.read_text(errors="replace")


def prepare(compose, rewriter, name):
    """The Running of service `name`, with its config copies written read-only."""
    service = compose["services"][name]
    directory = rewriter.base / name
    (directory / "data").mkdir(parents=True)
    (directory / "etc").mkdir()
    paths = {}
    for target, source in mounted_configs(service).items():
        copy = directory / "etc" / pathlib.Path(target).name
        lines = pathlib.Path(source).read_text().splitlines()
        copy.write_text("".join(rewriter.text(line, name) + "\n" for line in lines))
        copy.chmod(0o444)
        paths[target] = str(copy)
    argv = [paths.get(arg, rewriter.text(arg, name)) for arg in service["command"]]
    binaries = {"tandem-node": str(DEPLOY / "docker" / "tandem-node"),
                "tandem-sentinel": sentinel_binary(), "tandem-server": server_binary()}
    argv[0] = binaries[argv[0]]
    env = dict(os.environ, TANDEM_SERVER_BIN=server_binary())
    for key, value in service.get("environment", {}).items():
        env[key] = rewriter.text(str(value), name)
    return Running(name, argv, env, directory)


def healthy(compose, rewriter, name):
    test = compose["services"][name]["healthcheck"]["test"]
    try:
        done = subprocess.run(["sh", "-c", rewriter.text(test[1])], capture_output=True,
                              timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


@contextmanager
def cluster(compose, base):
    rewriter = Rewriter(compose, base)
    running = {name: prepare(compose, rewriter, name) for name in SERVERS + SENTINELS}
    try:
        for name in SERVERS + SENTINELS:  # the order depends_on gives
            running[name].start()
            if name == "node1":
                wait_until(lambda: healthy(compose, rewriter, "node1"), "node1 healthy", 15)
        yield rewriter, running
    finally:
        for process in running.values():
            process.stop()


def client(rewriter, compose, name):
    return redis.Redis(host="127.0.0.1", port=rewriter.port(compose["services"][name]),
                       socket_timeout=5, decode_responses=True)


def role(rewriter, compose, name):
    try:
        return client(rewriter, compose, name).execute_command("ROLE")
    except redis.RedisError:
        return None


def primary_of(rewriter, compose):
    """The service the first sentinel names as primary, or None."""
    try:
        host, port = client(rewriter, compose, "sentinel1").execute_command(
            "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
    except (redis.RedisError, TypeError, ValueError):
        return None
    assert host == "localhost"  # announce-hostnames: the announced name, not an IP
    return next((name for name in SERVERS if rewriter.port(compose["services"][name]) == int(port)),
                None)


def all_healthy(compose, rewriter):
    return all(healthy(compose, rewriter, name) for name in SERVERS + SENTINELS)


def wait_replicated(compose, rewriter, primary):
    def both_online():
        info = client(rewriter, compose, primary).info("replication")
        return info.get("role") == "master" and info.get("connected_slaves") == 2 and all(
            info.get(f"slave{i}", {}).get("state") == "online" for i in range(2))
    wait_until(both_online, f"{primary} with two online replicas", 30)


def sentinels_see_replicas_linked(compose, rewriter):
    """Every sentinel's last INFO of both replicas shows their link to the primary up (until
    then a failover finds no good replica: INFO is refreshed every 10 s)."""
    for name in SENTINELS:
        try:
            replicas = client(rewriter, compose, name).execute_command("SENTINEL", "REPLICAS",
                                                                       MASTER)
        except redis.RedisError:
            return False
        fields = [dict(zip(r[::2], r[1::2])) for r in replicas]
        if len(fields) != 2 or any(f["master-link-status"] != "ok" or f["flags"] != "slave"
                                   for f in fields):
            return False
    return True


def restart(compose, rewriter, running, name):
    running[name].stop()
    running[name].start()
    wait_until(lambda: healthy(compose, rewriter, name), f"{name} healthy again", 15)


@pytest.fixture
def local_cluster(compose, tmp_path):
    if not os.access(sentinel_binary(), os.X_OK):
        pytest.skip(f"no sentinel binary at {sentinel_binary()}")
    with cluster(compose, tmp_path) as (rewriter, running):
        yield rewriter, running


@tandem_only
def test_every_command_runs_and_every_health_check_passes(compose, local_cluster):
    rewriter, running = local_cluster
    wait_replicated(compose, rewriter, "node1")
    wait_until(lambda: all_healthy(compose, rewriter), "all six health checks pass", 30)
    # Sentinels learned each other and the replicas under their announced names.
    master = client(rewriter, compose, "sentinel2").execute_command("SENTINEL", "MASTER", MASTER)
    fields = dict(zip(master[::2], master[1::2]))
    assert (fields["ip"], fields["num-slaves"], fields["num-other-sentinels"]) == \
        ("localhost", "2", "2")
    replicas = client(rewriter, compose, "sentinel3").execute_command("SENTINEL", "REPLICAS",
                                                                      MASTER)
    assert sorted(int(dict(zip(r[::2], r[1::2]))["port"]) for r in replicas) == sorted(
        rewriter.port(compose["services"][n]) for n in ["node2", "node3"])
    # min-replicas-to-write 1 is met: the primary takes a write and the replicas get it.
    assert client(rewriter, compose, "node1").set("deploy", "ok")
    for name in ["node2", "node3"]:
        wait_until(lambda: client(rewriter, compose, name).get("deploy") == "ok",
                   f"the write on {name}", 10)
    # Every line of the configs was applied, none logged as having no effect.
    node = client(rewriter, compose, "node2")
    assert node.config_get("min-replicas-to-write") == {"min-replicas-to-write": "1"}
    assert node.config_get("appendonly") == {"appendonly": "yes"}
    assert node.config_get("replica-announce-ip") == {"replica-announce-ip": "localhost"}
    config = client(rewriter, compose, "sentinel1").execute_command("SENTINEL", "CONFIG", "GET",
                                                                    "*")
    config = dict(zip(config[::2], config[1::2]))
    assert (config["resolve-hostnames"], config["announce-hostnames"],
            config["announce-ip"]) == ("yes", "yes", "localhost")
    assert fields["down-after-milliseconds"] == "5000"
    for name, process in running.items():
        assert NO_EFFECT not in process.log(), f"{name}: {process.log()}"
    # The sentinels keep their state in /data, never in the read-only config.
    for name in SENTINELS:
        assert (rewriter.base / name / "data" / "sentinel-state.pb").is_file()
        conf = rewriter.base / name / "etc" / "sentinel.conf"
        original = (DEPLOY / "docker" / "sentinel.conf").read_text().splitlines()
        assert conf.read_text() == "".join(rewriter.text(l, name) + "\n" for l in original)


@tandem_only
def test_restarted_nodes_take_the_role_the_sentinels_give(compose, local_cluster):
    rewriter, running = local_cluster
    wait_replicated(compose, rewriter, "node1")
    wait_until(lambda: all_healthy(compose, rewriter), "all six health checks pass", 30)
    wait_until(lambda: sentinels_see_replicas_linked(compose, rewriter),
               "the sentinels see both replicas linked", 30, interval=0.2)
    client(rewriter, compose, "sentinel1").execute_command("SENTINEL", "FAILOVER", MASTER)
    wait_until(lambda: primary_of(rewriter, compose) in ("node2", "node3"),
               "the sentinels name a new primary", 30)
    new_primary = primary_of(rewriter, compose)
    wait_replicated(compose, rewriter, new_primary)

    # The promoted node's command still says --replicaof node1: it must come back a primary.
    restart(compose, rewriter, running, new_primary)
    assert "starting as the primary" in running[new_primary].log()
    wait_until(lambda: (role(rewriter, compose, new_primary) or [None])[0] == "master",
               f"{new_primary} a primary again", 10)
    # node1's command declares it the primary: it must come back as the new primary's replica.
    restart(compose, rewriter, running, "node1")
    assert "starting as a replica of localhost" in running["node1"].log()
    wait_until(lambda: (role(rewriter, compose, "node1") or [None])[0] == "slave",
               "node1 a replica", 10)
    assert primary_of(rewriter, compose) == new_primary
    wait_replicated(compose, rewriter, new_primary)
    assert client(rewriter, compose, new_primary).set("after", "restarts")
