"""Replication, primary side: a real redis-server 7.0 replica follows a primary under test (full sync
of every type, the command stream, partial resyncs, backlog overflow, disk mode, WAIT,
min-replicas-to-write, INFO/ROLE shapes). Passes with TANDEM_SERVER=/usr/bin/redis-server too."""
import os
import re
import signal
import time

import pytest
import redis

from conftest import is_real_redis
from support.dataset import fill_every_type, snapshot, assert_same
from support.replication import FAST_SYNC, wait_synced
from support.resp_socket import RawConnection
from support.waits import wait_until

DBS = (0, 1, 3)


@pytest.fixture
def primary(server_factory):
    """Returns start(*args): a primary that syncs at once."""
    def start(*args):
        return server_factory(FAST_SYNC + list(args))
    return start


def start_replica(redis_factory, primary):
    """A real redis-server replica of `primary` (a ServerProcess), loading the payload from disk."""
    return redis_factory(["--replicaof", "127.0.0.1", str(primary.port),
                          "--repl-diskless-load", "disabled"])


def synced_replica(redis_factory, primary):
    """start_replica, once the replica is in sync: (its ServerProcess, a client of it)."""
    rep = start_replica(redis_factory, primary)
    s = rep.client()
    wait_synced(primary.client(), s)
    return rep, s


def mixed_writes(m):
    m.set("plain", "1")
    m.incrby("counter", 5)
    m.set("ex", "v", ex=1000)
    m.expire("plain", 5000)
    tx = m.pipeline(transaction=True)
    tx.lpush("txlist", "a", "b")
    tx.sadd("txset", "x")
    tx.hset("txhash", "f", "v")
    tx.execute()
    m.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('rpush', KEYS[2], ARGV[1]); return 1",
           2, "script:str", "script:list", "from-script")
    m.execute_command("SELECT", 3)
    m.set("db3key", "three")
    m.zadd("db3zset", {"a": 1})
    m.execute_command("SELECT", 1)
    m.set("db1key", "one")
    m.execute_command("SELECT", 0)
    m.set("short", "gone soon", px=100)
    m.getex("counter", px=900000)
    m.spop("txset")


def test_full_sync_of_every_type_then_the_stream(primary, redis_factory):
    p = primary()
    m = p.client()
    fill_every_type(m, dbs=(0, 1))
    _, s = synced_replica(redis_factory, p)
    assert_same(snapshot(m, DBS), snapshot(s, DBS))

    mixed_writes(m)
    # The master's expiry of "short" reaches the replica as a DEL.
    wait_until(lambda: m.dbsize() == s.dbsize() and not m.execute_command("EXISTS", "short"),
               "expired key deleted", 10)
    wait_synced(m, s)
    assert_same(snapshot(m, DBS), snapshot(s, DBS))
    assert s.get("script:str") == b"from-script"
    s.execute_command("SELECT", 3)
    assert s.get("db3key") == b"three"
    assert m.info("stats")["sync_full"] == 1


def test_partial_resync_after_client_kill(primary, redis_factory):
    p = primary()
    m = p.client()
    m.set("before", "1")
    rep, s = synced_replica(redis_factory, p)
    assert m.execute_command("CLIENT", "KILL", "TYPE", "replica") == 1
    m.set("after", "2")
    m.rpush("l", *range(100))
    wait_until(lambda: m.info("stats")["sync_partial_ok"] == 1, "partial resync", 15)
    wait_synced(m, s)
    assert s.get("after") == b"2"
    assert s.llen("l") == 100
    stats = m.info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"]) == (1, 1)
    assert "Successful partial resynchronization" in rep.read_log()


def test_partial_resync_after_replica_restart(primary, redis_factory):
    p = primary()
    m = p.client()
    m.set("a", "1")
    rep, s = synced_replica(redis_factory, p)
    m.set("b", "2")
    wait_synced(m, s)
    try:
        s.shutdown(save=True)
    except redis.ConnectionError:
        pass
    rep.wait_exit(10)
    rep.log.close()
    m.set("c", "3")
    rep.start()
    s = rep.client()
    wait_synced(m, s)
    assert [s.get(k) for k in ("a", "b", "c")] == [b"1", b"2", b"3"]
    stats = m.info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"]) == (1, 1)


def test_backlog_overflow_gives_a_full_sync(primary, redis_factory):
    p = primary("--repl-backlog-size", "16384")
    m = p.client()
    rep = start_replica(redis_factory, p)
    s = rep.client()
    m.set("k", "v")
    wait_synced(m, s)
    os.kill(rep.proc.pid, signal.SIGSTOP)
    try:
        m.execute_command("CLIENT", "KILL", "TYPE", "replica")
        for i in range(100):
            m.set(f"big{i}", "x" * 1000)  # 100 kB: far past the 16 kB backlog
    finally:
        os.kill(rep.proc.pid, signal.SIGCONT)
    wait_until(lambda: m.info("stats")["sync_full"] == 2, "second full sync", 20)
    wait_synced(m, s)
    assert s.dbsize() == 101
    assert m.info("stats")["sync_partial_err"] == 1


def test_disk_mode_full_sync(primary, redis_factory):
    p = primary("--repl-diskless-sync", "no")
    m = p.client()
    fill_every_type(m, dbs=(0, 1))
    _, s = synced_replica(redis_factory, p)
    m.set("after-sync", "yes")
    wait_synced(m, s)
    assert_same(snapshot(m, DBS), snapshot(s, DBS))
    assert s.get("after-sync") == b"yes"


def test_wait(primary, redis_factory):
    p = primary()
    m = p.client()
    assert m.wait(0, 0) == 0
    assert m.wait(1, 100) == 0  # no replica: times out
    synced_replica(redis_factory, p)
    m.set("w", "1")
    assert m.wait(1, 5000) == 1
    start = time.monotonic()
    assert m.wait(2, 300) == 1
    assert time.monotonic() - start >= 0.25
    tx = m.pipeline(transaction=True)
    tx.execute_command("WAIT", 5, 0)  # inside MULTI: never blocks, even without a timeout
    assert tx.execute()[0] in (0, 1)
    with pytest.raises(redis.ResponseError, match="timeout is negative"):
        m.wait(1, -1)
    with pytest.raises(redis.ResponseError, match="not an integer"):
        m.execute_command("WAIT", "x", 0)


def test_min_replicas_to_write(primary, redis_factory):
    p = primary()
    m = p.client()
    synced_replica(redis_factory, p)
    m.config_set("min-replicas-to-write", 2)
    wait_until(lambda: m.info("replication").get("min_slaves_good_slaves") == 1, "good count", 5)
    with pytest.raises(redis.ResponseError, match="^NOREPLICAS Not enough good replicas to write.$"):
        m.set("x", "1")
    assert m.get("x") is None  # reads still work
    m.config_set("min-replicas-to-write", 1)
    wait_until(lambda: _write_ok(m), "writes accepted", 5)


def _write_ok(m):
    try:
        return m.set("x", "1")
    except redis.ResponseError:
        return False


def test_info_role_and_client_list_shapes(primary, redis_factory):
    p = primary()
    m = p.client()
    rep, s = synced_replica(redis_factory, p)
    m.set("k", "v")
    wait_synced(m, s)
    with RawConnection(p.port) as conn:
        conn.send_command("INFO", "replication")
        frame = conn.read_frame()
    text = frame[frame.index(b"\r\n") + 2:].decode()
    lines = text.split("\r\n")
    names = [line.split(":")[0] for line in lines if ":" in line]
    assert names == ["role", "connected_slaves", "slave0", "master_failover_state", "master_replid",
                     "master_replid2", "master_repl_offset", "second_repl_offset",
                     "repl_backlog_active", "repl_backlog_size", "repl_backlog_first_byte_offset",
                     "repl_backlog_histlen"]
    info = m.info("replication")
    assert info["role"] == "master" and info["connected_slaves"] == 1
    assert re.search(rf"slave0:ip=127\.0\.0\.1,port={rep.port},state=online,offset=\d+,lag=\d+\r\n",
                     text)
    assert re.fullmatch(r"[0-9a-f]{40}", info["master_replid"])
    assert "\r\nmaster_replid2:" + "0" * 40 + "\r\n" in text and info["second_repl_offset"] == -1
    assert info["repl_backlog_active"] == 1
    assert info["repl_backlog_first_byte_offset"] == 1
    assert info["repl_backlog_histlen"] == info["master_repl_offset"]
    # The replica ACKs once a second.
    acked = str(info["master_repl_offset"]).encode()
    role = wait_until(lambda: (r := m.execute_command("ROLE"))[2] and r[2][0][2] == acked and r,
                      "ROLE shows the ACK", 5)
    assert role[0] == b"master" and role[1] == info["master_repl_offset"]
    assert role[2] == [[b"127.0.0.1", str(rep.port).encode(), str(role[1]).encode()]]
    replicas = m.client_list(_type="replica")
    assert len(replicas) == 1 and replicas[0]["flags"] == "S"
    # The replica's own view of us.
    assert s.info("replication")["master_replid"] == info["master_replid"]


def test_replconf_and_psync_errors(primary):
    m = primary().client()
    with pytest.raises(redis.ResponseError, match="^Unrecognized REPLCONF option: foo$"):
        m.execute_command("REPLCONF", "foo", "bar")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        m.execute_command("REPLCONF", "listening-port")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        m.execute_command("REPLCONF", "listening-port", "abc")
    assert m.execute_command("REPLCONF", "listening-port", "1234", "capa", "eof") == b"OK"
    info = m.info("replication")
    assert info["connected_slaves"] == 0 and info["repl_backlog_active"] == 0
    assert info["repl_backlog_first_byte_offset"] == 0


def test_replica_over_its_output_limit_is_dropped_and_resyncs(primary, redis_factory):
    p = primary("--client-output-buffer-limit", "replica 1mb 0 0")
    m = p.client()
    rep, s = synced_replica(redis_factory, p)
    os.kill(rep.proc.pid, signal.SIGSTOP)
    try:
        value = "x" * 50_000
        for i in range(300):  # 15 MB: past the limit once the socket buffers are full
            m.set(f"k{i % 20}", value)
            if m.info("replication")["connected_slaves"] == 0:
                break
        wait_until(lambda: m.info("replication")["connected_slaves"] == 0, "replica dropped", 10)
    finally:
        os.kill(rep.proc.pid, signal.SIGCONT)
    assert "for overcoming of output buffer limits" in p.read_log()
    wait_synced(m, s, limit=30)
    assert s.get("k0") == m.get("k0")


def test_backlog_ttl_frees_the_backlog_and_changes_the_replid(primary, redis_factory):
    p = primary("--repl-backlog-ttl", "1")
    m = p.client()
    rep, _ = synced_replica(redis_factory, p)
    replid = m.info("replication")["master_replid"]
    rep.stop()
    wait_until(lambda: m.info("replication")["repl_backlog_active"] == 0, "backlog freed", 8)
    assert m.info("replication")["master_replid"] != replid


def test_backlog_resize_at_run_time(primary, redis_factory):
    p = primary()
    m = p.client()
    synced_replica(redis_factory, p)
    for i in range(40):
        m.set(f"k{i}", "v" * 1000)
    m.config_set("repl-backlog-size", "16384")
    m.set("after", "resize")  # Redis trims its blocks on the next write
    info = m.info("replication")
    assert info["repl_backlog_size"] == 16384
    # Redis frees its shared blocks lazily; Tandem keeps the newest 16 kB at once.
    if not is_real_redis():
        assert info["repl_backlog_histlen"] == 16384
    end = info["repl_backlog_first_byte_offset"] + info["repl_backlog_histlen"] - 1
    assert end == info["master_repl_offset"]


def test_writes_between_replconf_and_psync(primary, redis_factory):
    p = primary()
    m = p.client()
    synced_replica(redis_factory, p)
    with RawConnection(p.port) as handshake:
        handshake.send_command("REPLCONF", "listening-port", "9", "capa", "eof")
        assert handshake.read_frame() == b"+OK\r\n"
        m.set("during", "handshake")  # fed to the replica, not to the half-made one
        assert m.ping()
        assert m.info("replication")["connected_slaves"] == 1
