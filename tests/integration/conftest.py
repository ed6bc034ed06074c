"""Fixtures that start real server processes on free loopback ports.

TANDEM_SERVER names the server binary (default: the Release build). Pointing it at /usr/bin/redis-server
runs the same suite against real Redis 7.0, which is how the expectations here were checked.
"""
import os
import pathlib

import pytest
import redis

from support.processes import ServerProcess
from support.resp_socket import RawConnection

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO / "build" / "release" / "server" / "app" / "tandem-server"


def server_binary() -> str:
    return os.environ.get("TANDEM_SERVER", str(DEFAULT_BINARY))


def is_real_redis() -> bool:
    return pathlib.Path(server_binary()).name == "redis-server"


@pytest.fixture
def server_factory(tmp_path):
    """Returns start(args=(), config=None) -> ServerProcess; every server started is stopped at teardown."""
    started = []

    def start(args=(), config=None, check=True):
        proc = ServerProcess(server_binary(), tmp_path / f"srv{len(started)}", list(args), config)
        started.append(proc)
        if check:
            proc.start()
        return proc

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    proc = ServerProcess(server_binary(), tmp_path_factory.mktemp("shared"), ["--enable-debug-command", "yes"], None)
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def r(shared_server):
    """A redis-py client (bytes replies) on a module-wide server, flushed before each test."""
    client = redis.Redis(host="127.0.0.1", port=shared_server.port, socket_timeout=10)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def raw(r, shared_server):
    """A raw RESP connection (support.resp_socket) to the module-wide server, after the flush."""
    with RawConnection(shared_server.port) as conn:
        yield conn


@pytest.fixture
def resp3(raw):
    """The raw connection switched to RESP3 with HELLO 3."""
    raw.send_command("HELLO", "3")
    assert raw.read_frame().startswith(b"%7\r\n")
    return raw


@pytest.fixture
def list_key(r):
    """A key holding a list, for WRONGTYPE checks."""
    r.lpush("list", "a")
    return "list"
