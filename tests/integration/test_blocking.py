"""Blocking list and sorted-set pops: timeouts, FIFO wake-up, keys created later, MULTI, disconnects."""
import threading
import time

import pytest
import redis

from support.resp_socket import RawConnection, RespError
from support.waits import wait_blocked


def client(server):
    return redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10)


def test_blpop_serves_existing_element_at_once(r):
    r.rpush("q", "a", "b")
    assert r.blpop(["empty", "q"], timeout=1) == (b"q", b"a")
    assert r.brpop(["q"], timeout=1) == (b"q", b"b")
    assert r.exists("q") == 0


def test_fractional_timeout_returns_nil(r):
    start = time.monotonic()
    assert r.blpop(["nothing"], timeout=0.2) is None
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 2.0


def test_timeout_errors(raw):
    assert str(raw.call("BLPOP", "k", "abc")) == "ERR timeout is not a float or out of range"
    assert str(raw.call("BLPOP", "k", "-1")) == "ERR timeout is negative"


def test_push_wakes_a_blocked_client(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("BLPOP", "q", "0")
        wait_blocked(r, 1)
        assert r.rpush("q", "x") == 1
        assert c.read_reply() == [b"q", b"x"]
    assert r.exists("q") == 0
    wait_blocked(r, 0)


def test_key_created_by_a_later_push_in_another_db_is_not_served(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("BLPOP", "q", "0.3")
        wait_blocked(r, 1)
        other = redis.Redis(host="127.0.0.1", port=shared_server.port, db=1)
        other.rpush("q", "elsewhere")
        assert c.read_reply() is None
        other.flushdb()
        other.close()


def test_fifo_among_blocked_clients(r, shared_server):
    conns = [RawConnection(shared_server.port) for _ in range(3)]
    try:
        for i, c in enumerate(conns):
            c.send_command("BLPOP", "q", "0")
            wait_blocked(r, i + 1)
        r.rpush("q", "1", "2", "3")
        assert [c.read_reply() for c in conns] == [[b"q", b"1"], [b"q", b"2"], [b"q", b"3"]]
    finally:
        for c in conns:
            c.close()


def test_one_push_serves_one_client_the_other_keeps_waiting(r, shared_server):
    with RawConnection(shared_server.port) as a, RawConnection(shared_server.port) as b:
        a.send_command("BRPOP", "q", "0")
        wait_blocked(r, 1)
        b.send_command("BRPOP", "q", "0")
        wait_blocked(r, 2)
        r.lpush("q", "only")
        assert a.read_reply() == [b"q", b"only"]
        wait_blocked(r, 1)
        r.lpush("q", "second")
        assert b.read_reply() == [b"q", b"second"]


def test_blmove_and_brpoplpush(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
        wait_blocked(r, 1)
        r.rpush("src", "v")
        assert c.read_reply() == b"v"
    assert r.lrange("dst", 0, -1) == [b"v"]
    assert r.brpoplpush("nothing", "dst", timeout=0.1) is None
    r.rpush("src", "w")
    assert r.brpoplpush("src", "dst", timeout=1) == b"w"
    assert r.lrange("dst", 0, -1) == [b"w", b"v"]


def test_blmpop(r, shared_server):
    r.rpush("b", "1", "2", "3")
    assert r.execute_command("BLMPOP", "0.1", "2", "a", "b", "RIGHT", "COUNT", "2") == [b"b", [b"3", b"2"]]
    assert r.execute_command("BLMPOP", "0.1", "1", "a", "LEFT") is None
    r.delete("b")
    with RawConnection(shared_server.port) as c:
        c.send_command("BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "5")
        wait_blocked(r, 1)
        r.rpush("a", "x", "y")
        assert c.read_reply() == [b"a", [b"x", b"y"]]


def test_bzpopmin_bzpopmax_bzmpop(r, shared_server):
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert r.bzpopmin(["z"], timeout=1) == (b"z", b"a", 1.0)
    assert r.bzpopmax(["z"], timeout=1) == (b"z", b"c", 3.0)
    assert r.execute_command("BZMPOP", "0.1", "1", "z", "MIN") == [b"z", [[b"b", b"2"]]]
    assert r.bzpopmin(["z"], timeout=0.1) is None
    with RawConnection(shared_server.port) as c:
        c.send_command("BZPOPMAX", "z", "0")
        wait_blocked(r, 1)
        r.zadd("z", {"m": 5})
        assert c.read_reply() == [b"z", b"m", b"5"]


def test_wrong_type_while_blocked_keeps_waiting(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("BLPOP", "k", "0.5")
        wait_blocked(r, 1)
        r.set("k", "string")
        # Redis does not serve a string key; the client times out.
        assert c.read_reply() is None


def test_blocking_commands_never_block_inside_multi(raw):
    raw.call("MULTI")
    raw.call("BLPOP", "q", "0")
    raw.call("BLMOVE", "q", "d", "LEFT", "LEFT", "0")
    raw.call("BZPOPMIN", "z", "0")
    assert raw.call("EXEC") == [None, None, None]


def test_disconnect_while_blocked_cleans_up(r, shared_server):
    c = RawConnection(shared_server.port)
    c.send_command("BLPOP", "q", "0")
    wait_blocked(r, 1)
    c.close()
    wait_blocked(r, 0)
    r.rpush("q", "kept")
    assert r.lrange("q", 0, -1) == [b"kept"]


def test_client_unblock(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.call("CLIENT", "SETNAME", "waiter")
        cid = c.call("CLIENT", "ID")
        c.send_command("BLPOP", "q", "0")
        wait_blocked(r, 1)
        assert r.client_unblock(cid) == 1
        assert c.read_reply() is None
        c.send_command("BLPOP", "q", "0")
        wait_blocked(r, 1)
        assert r.client_unblock(cid, error=True) == 1
        reply = c.read_reply()
        assert isinstance(reply, RespError)
        assert str(reply) == "UNBLOCKED client unblocked via CLIENT UNBLOCK"
    assert r.client_unblock(cid) == 0


def test_resp3_timeout_is_null(shared_server):
    with RawConnection(shared_server.port) as c:
        c.call("HELLO", "3")
        c.send_command("BLPOP", "q", "0.05")
        assert c.read_frame() == b"_\r\n"
        c.send_command("BLMOVE", "q", "d", "LEFT", "LEFT", "0.05")
        assert c.read_frame() == b"_\r\n"


def test_resp2_timeout_frames(shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("BLPOP", "q", "0.05")
        assert c.read_frame() == b"*-1\r\n"
        # Redis 7.0 answers a timed-out BRPOPLPUSH/BLMOVE with a null array too.
        c.send_command("BRPOPLPUSH", "q", "d", "0.05")
        assert c.read_frame() == b"*-1\r\n"


def test_lmove_rotation_serves_waiter_on_destination(r, shared_server):
    """A push by LMOVE into a waited-on key wakes the waiter (serving from keys created later)."""
    r.rpush("src", "v")
    with RawConnection(shared_server.port) as c:
        c.send_command("BLPOP", "dst", "0")
        wait_blocked(r, 1)
        r.lmove("src", "dst", "LEFT", "RIGHT")
        assert c.read_reply() == [b"dst", b"v"]
