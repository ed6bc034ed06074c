"""The RESP request side: inline commands, pipelining, malformed input and the limits that protect the server.

Every malformed request must get Redis's exact `-ERR Protocol error: ...` reply, the offending connection must be
closed by the server, and other clients must keep being served.
"""
import contextlib
import socket
import threading
import time

import pytest

from support.resp_socket import RawConnection, encode_command

MAX_CLIENTS_REACHED = b"-ERR max number of clients reached\r\n"


@pytest.fixture
def bystander(r, shared_server):
    """A connection opened before the misbehaving one; it must stay usable."""
    with RawConnection(shared_server.port) as conn:
        assert_served(conn)
        yield conn


def assert_served(conn):
    """The connection answers PING and a SET/GET round trip."""
    assert conn.call("PING") == b"PONG"
    assert conn.call("SET", "bystander", "still here") == b"OK"
    assert conn.call("GET", "bystander") == b"still here"


def send_until_closed(conn, chunk, total, timeout=10.0):
    """Sends chunk repeatedly (total bytes at most); returns True once the server has closed the connection."""
    sent = 0
    deadline = time.monotonic() + timeout
    try:
        while sent < total and time.monotonic() < deadline:
            conn.send(chunk)
            sent += len(chunk)
    except socket.timeout:  # the server stopped reading but kept the connection open
        return False
    except OSError:  # broken pipe or reset: the server closed it while we were sending
        return True
    try:
        conn.read_until_closed(timeout=max(0.1, deadline - time.monotonic()))
    except TimeoutError:
        return False
    return True


# --- Inline commands -----------------------------------------------------------------------------

def test_inline_simple(raw):
    raw.send(b"SET k v\r\nGET k\r\n")
    assert raw.read_frame() == b"+OK\r\n"
    assert raw.read_frame() == b"$1\r\nv\r\n"


def test_inline_quotes_and_escapes(raw, r):
    raw.send(b'SET "a key" "x\\x41\\n\\"y"\r\n')
    assert raw.read_frame() == b"+OK\r\n"
    assert r.get("a key") == b'xA\n"y'
    raw.send(b"ECHO 'it\\'s'\r\n")
    assert raw.read_frame() == b"$4\r\nit's\r\n"
    raw.send(b'ECHO ""\r\n')
    assert raw.read_frame() == b"$0\r\n\r\n"
    raw.send(b"ECHO   spaced    \r\n")
    assert raw.read_frame() == b"$6\r\nspaced\r\n"


def test_inline_lf_only_and_empty_lines(raw):
    raw.send(b"PING\n\r\n\n   \r\nECHO x\n")
    assert raw.read_frame() == b"+PONG\r\n"
    assert raw.read_frame() == b"$1\r\nx\r\n"
    raw.send_command("PING")
    assert raw.read_frame() == b"+PONG\r\n"  # the empty lines produced no replies


def test_inline_mixed_with_multibulk(raw):
    raw.send(b"SET k 1\r\n" + encode_command("INCR", "k") + b"INCR k\r\n")
    assert raw.read_frame() == b"+OK\r\n"
    assert raw.read_frame() == b":2\r\n"
    assert raw.read_frame() == b":3\r\n"


def test_inline_unknown_command(raw):
    raw.send(b"NOSUCHCMD a b\r\n")
    assert raw.read_frame() == b"-ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' \r\n"
    raw.send(b"PING\r\n")
    assert raw.read_frame() == b"+PONG\r\n"


def test_request_split_across_packets(raw):
    request = encode_command("SET", "split", "value") + b"GET split\r\n"
    for i in range(len(request)):
        raw.send(request[i:i + 1])
    assert raw.read_frame() == b"+OK\r\n"
    assert raw.read_frame() == b"$5\r\nvalue\r\n"


# --- Pipelining ----------------------------------------------------------------------------------

def test_pipeline_redis_py_100k(r):
    count = 100_000
    pipe = r.pipeline(transaction=False)
    for i in range(count // 2):
        pipe.set(f"k{i}", i)
        pipe.get(f"k{i}")
    replies = pipe.execute()
    assert len(replies) == count
    assert replies[0::2] == [True] * (count // 2)
    assert replies[1::2] == [str(i).encode() for i in range(count // 2)]


def test_pipeline_raw_socket_100k(raw):
    count = 100_000
    request = encode_command("INCR", "counter") * count
    errors = []

    def send_all():
        # A separate sender so that neither side blocks on a full socket buffer.
        try:
            raw.send(request)
        except OSError as err:
            errors.append(err)

    sender = threading.Thread(target=send_all)
    sender.start()
    try:
        expected = b"".join(b":%d\r\n" % i for i in range(1, count + 1))
        assert raw.read_bytes(len(expected)) == expected
        raw.send_command("GET", "counter")
        assert raw.read_frame() == b"$6\r\n100000\r\n"
    finally:
        sender.join(timeout=20)
    assert not errors


# --- Malformed requests --------------------------------------------------------------------------

PROTOCOL_ERRORS = [
    pytest.param(b"*1\r\nfoo\r\n", "expected '$', got 'f'", id="garbage-instead-of-bulk"),
    pytest.param(b"*2\r\n$4\r\nECHO\r\n:5\r\n", "expected '$', got ':'", id="integer-instead-of-bulk"),
    pytest.param(b"*abc\r\n", "invalid multibulk length", id="multibulk-not-a-number"),
    pytest.param(b"*2147483648\r\n", "invalid multibulk length", id="multibulk-count-too-big"),
    pytest.param(b"*1\r\n$-5\r\n", "invalid bulk length", id="negative-bulk-length"),
    pytest.param(b"*1\r\n$-1\r\n", "invalid bulk length", id="null-bulk-in-request"),
    pytest.param(b"*1\r\n$abc\r\n", "invalid bulk length", id="bulk-length-not-a-number"),
    pytest.param(b"*1\r\n$999999999999\r\n", "invalid bulk length", id="huge-bulk-length"),
    pytest.param(b'SET "a b\r\n', "unbalanced quotes in request", id="unbalanced-double-quote"),
    pytest.param(b"SET 'a\r\n", "unbalanced quotes in request", id="unbalanced-single-quote"),
    pytest.param(b'ECHO "a"b\r\n', "unbalanced quotes in request", id="text-after-closing-quote"),
    # Lines without a newline are refused once the unparsed part exceeds 64 KiB; these are one byte over, so
    # the server has read everything we sent before it answers.
    pytest.param(b"x" * 65537, "too big inline request", id="inline-without-newline"),
    pytest.param(b"*" + b"1" * 65536, "too big mbulk count string", id="multibulk-count-without-newline"),
    pytest.param(b"*1\r\n$" + b"1" * 65536, "too big bulk count string", id="bulk-count-without-newline"),
]


@pytest.mark.parametrize("request_bytes,message", PROTOCOL_ERRORS)
def test_protocol_error_closes_only_that_connection(shared_server, bystander, request_bytes, message):
    with RawConnection(shared_server.port) as bad:
        bad.send(request_bytes)
        assert bad.read_until_closed(timeout=5) == f"-ERR Protocol error: {message}\r\n".encode()
    assert_served(bystander)
    with RawConnection(shared_server.port) as fresh:
        assert_served(fresh)


def test_inline_line_of_exactly_64k_is_accepted(raw):
    line = b"ECHO " + b"a" * (65536 - 5)
    raw.send(line)
    with pytest.raises(TimeoutError):
        raw.read_until_closed(timeout=0.3)
    raw.send(b"\r\n")
    assert raw.read_frame() == b"$65531\r\n" + b"a" * 65531 + b"\r\n"


def test_protocol_error_after_good_commands(shared_server, bystander):
    # Replies to the commands before the bad one are delivered first, then the error, then the close.
    with RawConnection(shared_server.port) as bad:
        bad.send(b"PING\r\n" + encode_command("SET", "before", "1") + b"*abc\r\nSET after 1\r\n")
        assert bad.read_until_closed(timeout=5) == b"+PONG\r\n+OK\r\n-ERR Protocol error: invalid multibulk length\r\n"
    assert bystander.call("GET", "before") == b"1"
    assert bystander.call("EXISTS", "after") == 0
    assert_served(bystander)


def test_bulk_above_proto_max_bulk_len(r, shared_server, bystander):
    r.config_set("proto-max-bulk-len", "1mb")
    try:
        with RawConnection(shared_server.port) as bad:
            bad.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
            assert bad.read_until_closed(timeout=5) == b"-ERR Protocol error: invalid bulk length\r\n"
        assert_served(bystander)
        # Exactly the limit is accepted.
        with RawConnection(shared_server.port) as good:
            assert good.call("SET", "k", b"x" * (1024 * 1024)) == b"OK"
        assert r.strlen("k") == 1024 * 1024
    finally:
        r.config_set("proto-max-bulk-len", "512mb")


def test_config_set_limit_reaches_open_connections(r, shared_server, bystander):
    # The limit is global: a connection opened before CONFIG SET is held to the new value too.
    with RawConnection(shared_server.port) as early:
        assert early.call("PING") == b"PONG"
        r.config_set("proto-max-bulk-len", "1mb")
        try:
            early.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
            assert early.read_until_closed(timeout=5) == b"-ERR Protocol error: invalid bulk length\r\n"
        finally:
            r.config_set("proto-max-bulk-len", "512mb")
    assert_served(bystander)


def test_empty_and_zero_count_requests_are_ignored(raw):
    raw.send(b"*0\r\n*-1\r\nPING\r\n")
    assert raw.read_frame() == b"+PONG\r\n"


def test_unterminated_request_then_close(shared_server, bystander):
    with RawConnection(shared_server.port) as partial:
        partial.send(b"*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n$5\r\nab")
        time.sleep(0.05)
    assert_served(bystander)
    assert bystander.call("EXISTS", "partial") == 0
    # A request completed over several packets still works after the abandoned one.
    with RawConnection(shared_server.port) as slow:
        slow.send(b"*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n$5\r\nab")
        time.sleep(0.05)
        slow.send(b"cde\r\n")
        assert slow.read_frame() == b"+OK\r\n"
    assert bystander.call("GET", "partial") == b"abcde"


# --- Limits for unauthenticated clients ----------------------------------------------------------

@pytest.fixture
def password_server(server_factory):
    return server_factory(args=["--requirepass", "secret"])


@pytest.fixture
def authed_bystander(password_server):
    with RawConnection(password_server.port) as conn:
        assert conn.call("AUTH", "secret") == b"OK"
        assert_served(conn)
        yield conn


@pytest.mark.parametrize("request_bytes,message", [
    pytest.param(b"*11\r\n", "unauthenticated multibulk length", id="count-over-10"),
    pytest.param(b"*2\r\n$4\r\nECHO\r\n$16385\r\n", "unauthenticated bulk length", id="bulk-over-16384"),
])
def test_unauthenticated_limits(password_server, authed_bystander, request_bytes, message):
    with RawConnection(password_server.port) as bad:
        bad.send(request_bytes)
        assert bad.read_until_closed(timeout=5) == f"-ERR Protocol error: {message}\r\n".encode()
    assert_served(authed_bystander)


def test_unauthenticated_limits_boundaries(password_server, authed_bystander):
    noauth = b"-NOAUTH Authentication required.\r\n"
    with RawConnection(password_server.port) as conn:
        conn.send_command("MSET", *["k"] * 9)  # 10 arguments: allowed, refused for lack of auth
        assert conn.read_frame() == noauth
        conn.send_command("ECHO", b"x" * 16384)
        assert conn.read_frame() == noauth
        assert conn.call("AUTH", "secret") == b"OK"
        # Once authenticated the limits are the normal ones.
        assert conn.call("MSET", *[f"k{i}" for i in range(20)]) == b"OK"
        assert conn.call("ECHO", b"y" * 100000) == b"y" * 100000
    assert_served(authed_bystander)


# --- Query buffer limit and maxclients -----------------------------------------------------------

def test_client_query_buffer_limit(server_factory):
    server = server_factory()
    with RawConnection(server.port) as control:
        assert control.call("CONFIG", "SET", "client-query-buffer-limit", "1mb") == b"OK"
        # A request below the limit is fine.
        assert control.call("SET", "k", b"x" * (512 * 1024)) == b"OK"
        with RawConnection(server.port) as big:
            big.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$5000000\r\n")
            assert send_until_closed(big, b"a" * 65536, total=4_000_000), "connection not closed"
        assert_served(control)
        assert control.call("EXISTS", "big") == 0
        assert control.call("STRLEN", "k") == 512 * 1024
    assert server.proc.poll() is None


def connected_clients(conn):
    info = conn.call("INFO", "clients").decode()
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("connected_clients:")))


def test_maxclients(server_factory):
    server = server_factory()
    extra = 3
    with contextlib.ExitStack() as stack:
        control = stack.enter_context(RawConnection(server.port))
        current = connected_clients(control)
        assert control.call("CONFIG", "SET", "maxclients", current + extra) == b"OK"
        others = [stack.enter_context(RawConnection(server.port)) for _ in range(extra)]
        for conn in others:
            assert conn.call("PING") == b"PONG"

        with RawConnection(server.port) as refused:
            assert refused.read_until_closed(timeout=5) == MAX_CLIENTS_REACHED
        assert_served(control)

        # Freeing a slot lets a new client in (once the server has noticed the close).
        others.pop().close()
        deadline = time.monotonic() + 5
        while connected_clients(control) > current + extra - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        with RawConnection(server.port) as admitted:
            assert admitted.call("PING") == b"PONG"
    assert server.proc.poll() is None

