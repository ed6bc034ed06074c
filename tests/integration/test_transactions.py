"""MULTI/EXEC/DISCARD/WATCH/UNWATCH: queueing, EXECABORT, WATCH broken by writes, expiry and flushes."""
import threading
import time

import pytest
import redis

from support.resp_socket import RawConnection, RespError


def test_multi_exec_runs_queued_commands_in_order(raw):
    assert raw.call("MULTI") == b"OK"
    assert raw.call("SET", "k", "1") == b"QUEUED"
    assert raw.call("INCR", "k") == b"QUEUED"
    assert raw.call("GET", "k") == b"QUEUED"
    assert raw.call("EXEC") == [b"OK", 2, b"2"]


def test_runtime_errors_are_returned_inside_exec(raw):
    raw.call("SET", "s", "text")
    raw.call("MULTI")
    raw.call("INCR", "s")
    raw.call("SET", "t", "1")
    reply = raw.call("EXEC")
    assert isinstance(reply[0], RespError) and str(reply[0]).startswith("ERR value is not an integer")
    assert reply[1] == b"OK"


def test_queueing_error_aborts_the_transaction(r, raw):
    raw.call("MULTI")
    raw.call("SET", "a", "1")
    err = raw.call("NOSUCHCOMMAND")
    assert isinstance(err, Exception)
    err = raw.call("GET")
    assert str(err) == "ERR wrong number of arguments for 'get' command"
    reply = raw.call("EXEC")
    assert str(reply) == "EXECABORT Transaction discarded because of previous errors."
    assert r.get("a") is None


def test_errors_outside_multi(raw):
    assert str(raw.call("EXEC")) == "ERR EXEC without MULTI"
    assert str(raw.call("DISCARD")) == "ERR DISCARD without MULTI"
    raw.call("MULTI")
    assert str(raw.call("MULTI")) == "ERR MULTI calls can not be nested"
    assert str(raw.call("WATCH", "k")) == "ERR WATCH inside MULTI is not allowed"
    # Neither error aborts the transaction.
    raw.call("SET", "k", "v")
    assert raw.call("EXEC") == [b"OK"]


def test_discard_drops_the_queue(r, raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call("DISCARD") == b"OK"
    assert r.get("k") is None
    assert raw.call("PING") == b"PONG"


def test_watch_broken_by_another_client(r, shared_server):
    r.set("balance", 10)
    with RawConnection(shared_server.port) as c:
        assert c.call("WATCH", "balance") == b"OK"
        r.incr("balance")
        c.call("MULTI")
        c.call("SET", "balance", "0")
        assert c.call("EXEC") is None
    assert r.get("balance") == b"11"


def test_watch_survives_when_nothing_changed(r, raw):
    r.set("k", "1")
    raw.call("WATCH", "k")
    r.get("k")
    raw.call("MULTI")
    raw.call("INCR", "k")
    assert raw.call("EXEC") == [2]


def test_watch_broken_by_own_write_before_multi(raw):
    raw.call("WATCH", "k")
    raw.call("SET", "k", "mine")
    raw.call("MULTI")
    raw.call("GET", "k")
    assert raw.call("EXEC") is None


def test_unwatch_and_exec_clear_watches(r, raw):
    raw.call("WATCH", "k")
    assert raw.call("UNWATCH") == b"OK"
    r.set("k", "x")
    raw.call("MULTI")
    raw.call("GET", "k")
    assert raw.call("EXEC") == [b"x"]
    raw.call("WATCH", "k")
    raw.call("MULTI")
    raw.call("GET", "k")
    raw.call("EXEC")
    r.set("k", "y")  # after EXEC the watch is gone
    raw.call("MULTI")
    raw.call("GET", "k")
    assert raw.call("EXEC") == [b"y"]


def test_watch_broken_by_expiry(r, raw):
    r.set("k", "v", px=50)
    raw.call("WATCH", "k")
    time.sleep(0.15)
    raw.call("MULTI")
    raw.call("SET", "other", "1")
    assert raw.call("EXEC") is None


def test_watch_broken_by_flushdb_when_key_exists(r, raw):
    r.set("k", "v")
    raw.call("WATCH", "k")
    r.flushdb()
    raw.call("MULTI")
    raw.call("PING")
    assert raw.call("EXEC") is None


def test_watch_on_missing_key_survives_flushdb(r, raw):
    raw.call("WATCH", "missing")
    r.flushdb()
    raw.call("MULTI")
    raw.call("PING")
    assert raw.call("EXEC") == [b"PONG"]


def test_watch_broken_by_delete_and_by_expire_command(r, shared_server):
    for breaker in (lambda: r.delete("k"), lambda: r.expire("k", 100), lambda: r.rename("k", "k2")):
        r.set("k", "v")
        with RawConnection(shared_server.port) as c:
            c.call("WATCH", "k")
            breaker()
            c.call("MULTI")
            c.call("PING")
            assert c.call("EXEC") is None


def test_redis_py_transaction_retries_on_watch_error(r, shared_server):
    """redis-py's optimistic-locking helper: a concurrent writer forces one retry."""
    r.set("counter", 0)
    other = redis.Redis(host="127.0.0.1", port=shared_server.port)
    attempts = []

    def body(pipe):
        attempts.append(1)
        value = int(pipe.get("counter"))
        if len(attempts) == 1:
            other.incr("counter")  # interferes once
        pipe.multi()
        pipe.set("counter", value + 100)

    r.transaction(body, "counter")
    assert len(attempts) == 2
    assert r.get("counter") == b"101"
    other.close()


def test_concurrent_watch_increments_lose_nothing(r, shared_server):
    """Two clients increment with WATCH/MULTI/EXEC retries; no update is lost."""
    r.set("n", 0)

    def worker():
        c = redis.Redis(host="127.0.0.1", port=shared_server.port)
        for _ in range(100):
            with c.pipeline() as pipe:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    try:
                        pipe.watch("n")
                        value = int(pipe.get("n"))
                        pipe.multi()
                        pipe.set("n", value + 1)
                        pipe.execute()
                        break
                    except redis.WatchError:
                        continue
        c.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert r.get("n") == b"200"


def test_exec_is_atomic_for_other_clients(r, shared_server):
    """Another client's commands never land between a transaction's commands."""
    with RawConnection(shared_server.port) as c:
        c.call("MULTI")
        for _ in range(50):
            c.call("RPUSH", "log", "tx")
        r.rpush("log", "outside")
        c.call("EXEC")
    entries = r.lrange("log", 0, -1)
    first = entries.index(b"tx")
    assert entries[first:first + 50] == [b"tx"] * 50


def test_reset_leaves_multi(r, raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call(b"RESET") == b"RESET"
    assert str(raw.call("EXEC")) == "ERR EXEC without MULTI"
    assert r.get("k") is None
