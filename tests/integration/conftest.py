"""Fixtures that start real server processes on free loopback ports.

TANDEM_SERVER names the server binary (default: the Release build). Pointing it at /usr/bin/redis-server
runs the same suite against real Redis 7.0, which is how the expectations here were checked.
"""
import os
import pathlib
import shutil
from contextlib import contextmanager

import pytest
import redis

from support.processes import ServerProcess
from support.resp_socket import RawConnection

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO / "build" / "release" / "server" / "app" / "tandem-server"
# The interop partner of redis_factory, whatever TANDEM_SERVER names.
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def server_binary() -> str:
    return os.environ.get("TANDEM_SERVER", str(DEFAULT_BINARY))


def is_real_redis() -> bool:
    return pathlib.Path(server_binary()).name == "redis-server"


@contextmanager
def _processes(binary, base, prefix):
    """Yields new(args, config, name=None) -> an unstarted ServerProcess of `binary` in
    base/<name or prefix+n>; every process made is stopped when the block ends."""
    started = []

    def new(args, config, name=None):
        proc = ServerProcess(binary, base / (name or f"{prefix}{len(started)}"), list(args), config)
        started.append(proc)
        return proc

    try:
        yield new
    finally:
        for proc in started:
            proc.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Returns start(args=(), config=None, check=True) -> ServerProcess of the server under test
    (started unless check is false); every server started is stopped at teardown."""
    with _processes(server_binary(), tmp_path, "srv") as new:
        def start(args=(), config=None, check=True):
            proc = new(args, config)
            if check:
                proc.start()
            return proc

        yield start


@pytest.fixture
def redis_factory(tmp_path):
    """Returns start(args=(), name=None) -> a started real redis-server (REDIS_SERVER) in
    tmp_path/<name or redisN>, for tests pairing the server under test with Redis; every one
    started is stopped at teardown."""
    with _processes(REDIS_SERVER, tmp_path, "redis") as new:
        yield lambda args=(), name=None: new(args, None, name).start()


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
