"""protected-mode and bind, seen from a non-loopback client.

A non-loopback client needs a second address. The test makes its own network namespace holding the TEST-NET
address 192.0.2.1 (on a dummy interface, or on the namespace's own lo when the kernel has no dummy driver) and
runs both the server and the client inside it, so no packet leaves the namespace. The namespace is deleted at
teardown whatever happens.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from conftest import server_binary
from support.processes import ServerProcess

NS_ADDR = "192.0.2.1"
DENIED_PREFIX = (b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is "
                 b"set for the default user.")

# Runs inside the namespace: connects, sends the payload, and reports what came back (until the server closes
# the connection or stays quiet for `idle` seconds) and whether the server closed it. Every wait is bounded.
CLIENT_SCRIPT = r"""
import json, socket, sys, time
host, port, payload, idle = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3]), float(sys.argv[4])
try:
    sock = socket.create_connection((host, port), timeout=2)
except OSError as exc:
    print(json.dumps({"error": type(exc).__name__}))
    sys.exit(0)
sock.sendall(payload)
data, closed = b"", False
deadline = time.monotonic() + 3
sock.settimeout(idle)
while time.monotonic() < deadline:
    try:
        chunk = sock.recv(65536)
    except socket.timeout:
        break
    except ConnectionResetError:
        closed = True
        break
    if not chunk:
        closed = True
        break
    data += chunk
print(json.dumps({"data": data.hex(), "closed": closed}))
"""


def run(*cmd, check=True):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=10, check=check)


def create_namespace():
    """Creates the namespace and its address; returns (name, how the address was set up) or raises
    RuntimeError with the reason."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        raise RuntimeError("needs root and iproute2 to create a network namespace")
    name = f"tandem-pm-{uuid.uuid4().hex[:8]}"
    result = run("ip", "netns", "add", name, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ip netns add failed: {result.stderr.strip()}")
    try:
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
        if run("ip", "netns", "exec", name, "ip", "link", "add", "d0", "type", "dummy", check=False).returncode == 0:
            run("ip", "netns", "exec", name, "ip", "addr", "add", f"{NS_ADDR}/24", "dev", "d0")
            run("ip", "netns", "exec", name, "ip", "link", "set", "d0", "up")
            device = "dummy d0"
        else:
            # No dummy driver in this kernel: a second address on the namespace's lo is just as non-loopback
            # to the server, which judges the client by its address.
            run("ip", "netns", "exec", name, "ip", "addr", "add", f"{NS_ADDR}/24", "dev", "lo")
            device = "lo"
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        run("ip", "netns", "del", name, check=False)
        raise RuntimeError(f"could not set up the namespace: {exc}") from exc
    return name, device


@pytest.fixture(scope="module")
def netns():
    try:
        name, _ = create_namespace()
    except RuntimeError as exc:
        pytest.skip(f"network namespaces unavailable here: {exc}")
    try:
        yield name
    finally:
        run("ip", "netns", "del", name, check=False)


def exchange(netns, host, port, payload: bytes, idle=0.3) -> dict:
    """Connects from inside the namespace; returns {"data": bytes, "closed": bool} or {"error": name}."""
    result = run("ip", "netns", "exec", netns, sys.executable, "-c", CLIENT_SCRIPT, host, str(port), payload.hex(),
                 str(idle))
    reply = json.loads(result.stdout)
    if "data" in reply:
        reply["data"] = bytes.fromhex(reply["data"])
    return reply


class NamespacedServer(ServerProcess):
    """A ServerProcess run inside a network namespace (ip netns exec execs the server, so the pid is the
    server's own and stop() works unchanged)."""

    def __init__(self, netns, directory, args, probe_host="127.0.0.1"):
        super().__init__(server_binary(), directory, args, None)
        self.netns = netns
        self.probe_host = probe_host  # an address the server listens on, to see that it is up

    def command_line(self):
        return ["ip", "netns", "exec", self.netns] + super().command_line()

    def start(self, timeout=10.0):
        self.spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.read_log()}")
            if exchange(self.netns, self.probe_host, self.port, b"PING\r\n", idle=0.05).get("data"):
                return self
            time.sleep(0.05)
        raise RuntimeError(f"server did not answer within {timeout}s: {self.read_log()}")


@pytest.fixture
def ns_server(netns, tmp_path):
    """Returns start(args, probe_host) -> NamespacedServer; every server started is stopped at teardown."""
    started = []

    def start(args, probe_host="127.0.0.1"):
        server = NamespacedServer(netns, tmp_path / f"ns{len(started)}", list(args), probe_host)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


BOTH_ADDRESSES = ["--bind", NS_ADDR, "127.0.0.1"]


def test_protected_mode_denies_non_loopback_client(netns, ns_server):
    server = ns_server(BOTH_ADDRESSES + ["--protected-mode", "yes"])
    reply = exchange(netns, NS_ADDR, server.port, b"PING\r\n")
    assert reply["data"].startswith(DENIED_PREFIX), reply
    assert reply["data"].endswith(b"\r\n")
    assert reply["closed"]


def test_protected_mode_serves_loopback_client(netns, ns_server):
    server = ns_server(BOTH_ADDRESSES + ["--protected-mode", "yes"])
    reply = exchange(netns, "127.0.0.1", server.port, b"PING\r\nSET k v\r\nGET k\r\n")
    assert reply["data"] == b"+PONG\r\n+OK\r\n$1\r\nv\r\n"
    assert not reply["closed"]


def test_protected_mode_with_password_serves_non_loopback_client(netns, ns_server):
    server = ns_server(BOTH_ADDRESSES + ["--protected-mode", "yes", "--requirepass", "sekret"])
    reply = exchange(netns, NS_ADDR, server.port, b"PING\r\nAUTH sekret\r\nPING\r\n")
    assert reply["data"] == b"-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n"
    assert not reply["closed"]


def test_protected_mode_off_serves_non_loopback_client(netns, ns_server):
    server = ns_server(BOTH_ADDRESSES + ["--protected-mode", "no"])
    reply = exchange(netns, NS_ADDR, server.port, b"PING\r\n")
    assert reply["data"] == b"+PONG\r\n"


def test_protected_mode_can_be_turned_off_at_run_time(netns, ns_server):
    server = ns_server(BOTH_ADDRESSES + ["--protected-mode", "yes"])
    assert exchange(netns, NS_ADDR, server.port, b"PING\r\n")["data"].startswith(DENIED_PREFIX)
    assert exchange(netns, "127.0.0.1", server.port,
                    b"CONFIG SET protected-mode no\r\n")["data"] == b"+OK\r\n"
    assert exchange(netns, NS_ADDR, server.port, b"PING\r\n")["data"] == b"+PONG\r\n"


def test_bind_loopback_only_refuses_the_namespace_address(netns, ns_server):
    server = ns_server(["--bind", "127.0.0.1", "--protected-mode", "no"])
    assert exchange(netns, NS_ADDR, server.port, b"PING\r\n") == {"error": "ConnectionRefusedError"}
    assert exchange(netns, "127.0.0.1", server.port, b"PING\r\n")["data"] == b"+PONG\r\n"


def test_bind_namespace_address_only_refuses_loopback(netns, ns_server):
    server = ns_server(["--bind", NS_ADDR, "--protected-mode", "no"], probe_host=NS_ADDR)
    assert exchange(netns, "127.0.0.1", server.port, b"PING\r\n") == {"error": "ConnectionRefusedError"}
    assert exchange(netns, NS_ADDR, server.port, b"PING\r\n")["data"] == b"+PONG\r\n"
