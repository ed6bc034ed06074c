"""Replication between two servers under test, as Redis 7.0 does it: full sync of every type, the
stream after it, partial resyncs (dropped link, restart, promotion with PSYNC2), backlog overflow,
chains, WAIT, min-replicas-to-write, READONLY/MASTERDOWN, INFO replication and ROLE shapes, and
expired keys on replicas. Every wait is bounded (support/replication.py) and reports offsets."""
import re
import threading
import time

import redis

from support.calls import call
from support.dataset import assert_same, fill_every_type, snapshot
from support.processes import free_port
from support.replication import (FAST_SYNC, info, master_offset, replica_lines, replicate,
                                 start_replicated, stopped, sync_counters, wait_acked, wait_online,
                                 wait_synced)
from support.resp_socket import RawConnection
from support.waits import wait_until

# Redis 7.0's INFO replication fields, in its order (checked against redis-server 7.0.15).
MASTER_FIELDS = ["role", "connected_slaves", "master_failover_state", "master_replid",
                 "master_replid2", "master_repl_offset", "second_repl_offset",
                 "repl_backlog_active", "repl_backlog_size", "repl_backlog_first_byte_offset",
                 "repl_backlog_histlen"]
REPLICA_FIELDS = ["role", "master_host", "master_port", "master_link_status",
                  "master_last_io_seconds_ago", "master_sync_in_progress",
                  "slave_read_repl_offset", "slave_repl_offset", "slave_priority",
                  "slave_read_only", "replica_announced"] + MASTER_FIELDS[1:]
NO_REPLID = "0" * 40


def raw_error(port, *command):
    """The exact error line a command gets, without redis-py's error class mapping."""
    with RawConnection(port) as conn:
        conn.send_command(*command)
        return conn.read_frame()


def kill_replica_links(client):
    """CLIENT KILL TYPE replica on the primary; returns how many links it closed."""
    return client.execute_command("CLIENT", "KILL", "TYPE", "replica")


def mutate(c):
    """Writes of every kind after a sync: relative TTLs (made absolute in the stream), deletes,
    counters, collection edits, a transaction, a script and another database."""
    c.set("after:ttl", "v", ex=1000)
    c.expire("str:small", 2000)
    c.persist("str:ttl")
    c.delete("list:ints", "set:ints")
    c.incrby("str:int", 7)
    c.rpush("list:small", "tail")
    c.hset("hash:small", "added", "1")
    c.zincrby("zset:small", 2, "a")
    c.sadd("set:strings", "new")
    c.xadd("stream:s", {"late": "1"}, id="3000-0")
    c.xack("stream:s", "g1", "1001-1")
    p = c.pipeline(transaction=True)
    p.set("tx:a", 1)
    p.lpush("tx:b", "x")
    p.execute()
    c.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('pexpire', KEYS[1], 500000)", 1,
           "lua:key", "lua")
    c.execute_command("SELECT", 1)
    c.set("db1:late", "x")
    c.execute_command("SELECT", 0)


def test_full_sync_of_every_type_with_ttls_then_the_stream(server_factory):
    primary = server_factory(FAST_SYNC)
    pc = primary.client()
    fill_every_type(pc)
    replica = server_factory(FAST_SYNC)
    rc = replica.client()
    rc.set("stale", "dropped by the full sync")
    replicate(rc, primary)
    wait_online(pc, 1)
    wait_synced(pc, rc)
    assert rc.exists("stale") == 0
    assert_same(snapshot(pc), snapshot(rc))
    assert info(rc)["master_replid"] == info(pc)["master_replid"]
    full, partial, _ = sync_counters(pc)
    assert (full, partial) == (1, 0)

    mutate(pc)
    wait_synced(pc, rc)
    assert_same(snapshot(pc), snapshot(rc))


def test_writes_during_a_full_sync_all_arrive(server_factory):
    primary = server_factory(FAST_SYNC)
    pc = primary.client()
    p = pc.pipeline(transaction=False)
    for i in range(5000):
        p.set(f"bulk:{i}", "x" * 100)
    p.execute()
    # 400 us per key: the snapshot of 5,000 keys takes about 2 s.
    pc.config_set("rdb-key-save-delay", 400)
    replica = server_factory(FAST_SYNC)
    rc = replica.client()
    replicate(rc, primary)
    wait_until(lambda: info(pc)["connected_slaves"] == "1", "the replica connected",
               state=lambda: info(pc))
    writes = during_sync = 0
    deadline = time.monotonic() + 60
    while info(rc).get("master_link_status") != "up" and time.monotonic() < deadline:
        pc.rpush("during", writes)
        pc.incr("counter")
        writes += 1
        during_sync += info(rc).get("master_sync_in_progress") == "1"
    pc.config_set("rdb-key-save-delay", 0)
    assert during_sync > 0, "no write happened while the replica was loading"
    for i in range(100):
        pc.rpush("during", writes + i)
    wait_synced(pc, rc, limit=60)
    assert rc.llen("during") == writes + 100, f"{writes} writes during the sync"
    assert rc.lrange("during", 0, -1) == pc.lrange("during", 0, -1)
    assert int(rc.get("counter")) == writes
    assert rc.dbsize() == pc.dbsize() == 5002
    assert sync_counters(pc)[0] == 1


def test_killing_the_link_mid_stream_gives_a_partial_sync(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    fill_every_type(pc, streams=False)
    wait_synced(pc, rc)
    before = sync_counters(pc)

    stop = threading.Event()
    written = []

    def load():
        c = primary.client()
        i = 0
        while not stop.is_set() and i < 200_000:
            c.rpush("stream-of-writes", i)
            i += 1
        written.append(i)

    writer = threading.Thread(target=load)
    writer.start()
    try:
        wait_until(lambda: pc.llen("stream-of-writes") > 200, "writes under way")
        killed = kill_replica_links(pc)
        at_kill = pc.llen("stream-of-writes")
        wait_until(lambda: pc.llen("stream-of-writes") > at_kill + 2000, "writes after the kill")
    finally:
        stop.set()
        writer.join()
    assert killed == 1
    wait_synced(pc, rc)
    full, partial, err = sync_counters(pc)
    assert (full, partial, err) == (before[0], before[1] + 1, before[2]), \
        f"sync counters went from {before} to {(full, partial, err)}"
    assert rc.llen("stream-of-writes") == written[0]
    assert_same(snapshot(pc), snapshot(rc))


def test_backlog_overflow_gives_a_full_sync(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1,
                                           primary_args=["--repl-backlog-size", "16kb"])
    pc, rc = primary.client(), replica.client()
    pc.set("before", "1")
    wait_synced(pc, rc)
    before = sync_counters(pc)
    start_offset = master_offset(pc)
    with stopped(replica):
        assert kill_replica_links(pc) == 1
        for i in range(256):
            pc.set(f"big:{i}", "v" * 1024)
        written = master_offset(pc) - start_offset
        backlog = info(pc)
        assert written > int(backlog["repl_backlog_histlen"]), \
            f"{written} bytes written fit in the backlog: {backlog}"
    wait_synced(pc, rc)
    full, partial, err = sync_counters(pc)
    assert (full, partial, err) == (before[0] + 1, before[1], before[2] + 1), \
        f"sync counters went from {before} to {(full, partial, err)} after {written} bytes"
    assert rc.dbsize() == 257
    assert rc.get("big:255") == b"v" * 1024


def test_backlog_within_size_gives_a_partial_sync_after_a_pause(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    before = sync_counters(pc)
    with stopped(replica):
        assert kill_replica_links(pc) == 1
        for i in range(100):
            pc.set(f"k:{i}", "v" * 100)
    wait_synced(pc, rc)
    assert sync_counters(pc) == (before[0], before[1] + 1, before[2])
    assert rc.dbsize() == 100


def test_three_level_chain(server_factory):
    a = server_factory(FAST_SYNC)
    b = server_factory(FAST_SYNC)
    c = server_factory(FAST_SYNC)
    ac, bc, cc = a.client(), b.client(), c.client()
    fill_every_type(ac)
    replicate(bc, a)
    wait_synced(ac, bc)
    replicate(cc, b)
    wait_synced(bc, cc)
    mutate(ac)

    def same_history():
        fields = [info(x) for x in (ac, bc, cc)]
        ids = {f["master_replid"] for f in fields}
        offsets = {f["master_repl_offset"] for f in fields}
        return (len(ids) == 1 and len(offsets) == 1
                and fields[2].get("slave_repl_offset") == fields[0]["master_repl_offset"])
    wait_until(same_history, "one replid and offset on A, B and C",
               state=lambda: [(f["master_replid"], f["master_repl_offset"],
                               f.get("slave_repl_offset")) for f in map(info, (ac, bc, cc))])
    expected = snapshot(ac)
    assert_same(expected, snapshot(bc))
    assert_same(expected, snapshot(cc))
    assert info(cc)["master_port"] == str(b.port)
    assert replica_lines(info(bc))[0]["port"] == str(c.port)


def test_wait_counts_acknowledging_replicas(server_factory):
    primary, replicas = start_replicated(server_factory, 2)
    pc = primary.client()
    pc.set("k", "v")
    assert pc.wait(2, 5000) == 2
    assert pc.wait(0, 0) == 2  # satisfied at once: returns how many acked
    with stopped(replicas[0]):
        pc.set("k", "v2")
        began = time.monotonic()
        assert pc.wait(2, 300) == 1
        assert time.monotonic() - began >= 0.25
        with stopped(replicas[1]):
            pc.set("k", "v3")
            began = time.monotonic()
            assert pc.wait(1, 300) == 0
            assert time.monotonic() - began >= 0.25
    assert pc.wait(2, 5000) == 2
    for rep in replicas:
        assert rep.client().get("k") == b"v3"
    assert raw_error(replicas[0].port, "WAIT", "1", "10") == (
        b"-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
        b"if a replica is configured to be writable (which is not the default) writes to replicas "
        b"are just local and are not propagated.\r\n")


def test_min_replicas_to_write(server_factory):
    primary = server_factory(FAST_SYNC + ["--min-replicas-to-write", "1",
                                          "--min-replicas-max-lag", "1"])
    pc = primary.client()
    refused = b"-NOREPLICAS Not enough good replicas to write.\r\n"
    assert raw_error(primary.port, "SET", "k", "v") == refused
    assert pc.get("k") is None  # reads are served
    assert info(pc)["min_slaves_good_slaves"] == "0"
    replica = server_factory(FAST_SYNC)
    replicate(replica.client(), primary)
    wait_online(pc, 1)

    def accepted():
        try:
            return pc.set("k", "v")
        except redis.ResponseError as err:
            assert "NOREPLICAS" in str(err)
            return False
    wait_until(accepted, "writes accepted with one good replica", limit=10,
               state=lambda: info(pc).get("min_slaves_good_slaves"))
    assert info(pc)["min_slaves_good_slaves"] == "1"
    wait_synced(pc, replica.client())
    with stopped(replica):
        # Not ACKing for more than min-replicas-max-lag seconds makes the replica not good.
        wait_until(lambda: raw_error(primary.port, "SET", "probe", "x") == refused,
                   "NOREPLICAS once the replica lags", limit=10,
                   state=lambda: info(pc).get("min_slaves_good_slaves"))
    assert pc.get("k") == b"v"


def test_promotion_keeps_the_old_history_for_partial_syncs(server_factory):
    # No keep-alive PING from the old primary may make a replica ahead of the promoted one.
    primary, (r1, r2) = start_replicated(server_factory, 2,
                                         primary_args=["--repl-ping-replica-period", "3600"])
    pc, c1, c2 = primary.client(), r1.client(), r2.client()
    fill_every_type(pc, streams=False)
    wait_synced(pc, c1)
    wait_synced(pc, c2)
    old = info(pc)
    old_offset = int(old["master_repl_offset"])

    assert c1.execute_command("REPLICAOF", "NO", "ONE")
    promoted = info(c1)
    assert promoted["role"] == "master"
    assert promoted["master_replid2"] == old["master_replid"]
    assert promoted["master_replid"] not in (old["master_replid"], NO_REPLID)
    assert promoted["second_repl_offset"] == str(old_offset + 1)
    assert promoted["master_repl_offset"] == str(old_offset)
    c1.set("after-promotion", "1")

    replicate(c2, r1)
    replicate(pc, r1)  # the old primary took no write since: it continues too
    wait_online(c1, 2)
    wait_synced(c1, c2)
    wait_synced(c1, pc)
    full, partial, err = sync_counters(c1)
    assert (full, partial, err) == (0, 2, 0), f"promoted node's sync counters {(full, partial, err)}"
    for node in (c2, pc):
        fields = info(node)
        assert fields["master_replid"] == promoted["master_replid"]
        assert fields["master_replid2"] == old["master_replid"]
        assert fields["second_repl_offset"] == str(old_offset + 1)
    expected = snapshot(c1)
    assert_same(expected, snapshot(c2))
    assert_same(expected, snapshot(pc))
    assert pc.get("after-promotion") == b"1"


def test_replica_restart_resumes_with_a_partial_sync(server_factory):
    primary = server_factory(FAST_SYNC)
    pc = primary.client()
    replica = server_factory(FAST_SYNC + ["--replicaof", "127.0.0.1", str(primary.port)])
    rc = replica.client()
    fill_every_type(pc, streams=False)
    wait_synced(pc, rc)
    before = sync_counters(pc)
    rc.shutdown(save=True)
    assert replica.wait_exit() == 0
    for i in range(50):
        pc.set(f"while-down:{i}", i)
    replica.start()
    rc = replica.client()
    wait_synced(pc, rc)
    assert sync_counters(pc) == (before[0], before[1] + 1, before[2]), \
        f"sync counters went from {before} to {sync_counters(pc)}"
    assert_same(snapshot(pc), snapshot(rc))


def test_replica_is_read_only(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    primary.client().set("k", "v")
    wait_synced(primary.client(), replica.client())
    readonly = b"-READONLY You can't write against a read only replica.\r\n"
    assert raw_error(replica.port, "SET", "k", "x") == readonly
    assert raw_error(replica.port, "DEL", "k") == readonly
    assert raw_error(replica.port, "EVAL", "return redis.call('set', 'k', 'x')", "0").startswith(
        b"-READONLY You can't write against a read only replica.")
    rc = replica.client()
    assert rc.get("k") == b"v"
    assert info(rc)["slave_read_only"] == "1"
    rc.config_set("replica-read-only", "no")
    assert rc.set("local", "1")
    assert info(rc)["slave_read_only"] == "0"


def test_info_replication_fields_in_redis_order(server_factory):
    primary = server_factory(FAST_SYNC)
    pc = primary.client()
    alone = info(pc)
    assert list(alone) == MASTER_FIELDS
    assert alone["role"] == "master" and alone["connected_slaves"] == "0"
    assert re.fullmatch("[0-9a-f]{40}", alone["master_replid"])
    assert (alone["master_replid2"], alone["second_repl_offset"]) == (NO_REPLID, "-1")
    assert alone["master_failover_state"] == "no-failover"

    replica = server_factory(FAST_SYNC)
    rc = replica.client()
    replicate(rc, primary)
    wait_online(pc, 1)
    pc.set("a", "1")
    wait_synced(pc, rc)
    wait_acked(pc)
    fields = info(pc)
    assert list(fields) == MASTER_FIELDS[:2] + ["slave0"] + MASTER_FIELDS[2:]
    offset = fields["master_repl_offset"]
    assert re.fullmatch(f"ip=127\\.0\\.0\\.1,port={replica.port},state=online,offset={offset},"
                        "lag=[01]", fields["slave0"]), fields["slave0"]
    assert fields["repl_backlog_active"] == "1"
    assert fields["repl_backlog_size"] == "1048576"
    assert fields["repl_backlog_first_byte_offset"] == "1"
    assert fields["repl_backlog_histlen"] == offset

    r_fields = info(rc)
    assert list(r_fields) == REPLICA_FIELDS
    assert r_fields["role"] == "slave"
    assert (r_fields["master_host"], r_fields["master_port"]) == ("127.0.0.1", str(primary.port))
    assert r_fields["master_link_status"] == "up"
    assert r_fields["master_sync_in_progress"] == "0"
    assert r_fields["slave_repl_offset"] == r_fields["slave_read_repl_offset"] == offset
    assert r_fields["master_repl_offset"] == offset
    assert r_fields["master_replid"] == fields["master_replid"]
    assert (r_fields["slave_priority"], r_fields["replica_announced"]) == ("100", "1")


def test_role_shapes(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc = primary.client()
    pc.set("a", "1")
    wait_synced(pc, replica.client())
    wait_acked(pc)
    offset = master_offset(pc)
    assert call(pc, "ROLE") == [b"master", offset,
                                [[b"127.0.0.1", str(replica.port).encode(), str(offset).encode()]]]
    assert call(replica.client(), "ROLE") == [b"slave", b"127.0.0.1", primary.port, b"connected",
                                              offset]
    lonely = server_factory(FAST_SYNC).client()
    assert call(lonely, "ROLE") == [b"master", 0, []]


def test_replica_with_its_master_down(server_factory):
    nobody = free_port()
    stale = server_factory(["--replicaof", "127.0.0.1", str(nobody)]).client()
    fields = info(stale)
    assert fields["master_link_status"] == "down"
    assert fields["master_last_io_seconds_ago"] == "-1"
    assert "master_link_down_since_seconds" in fields
    assert call(stale, "ROLE")[:3] == [b"slave", b"127.0.0.1", nobody]
    assert call(stale, "ROLE")[4] == -1
    assert stale.get("k") is None  # replica-serve-stale-data yes: served

    strict = server_factory(["--replicaof", "127.0.0.1", str(nobody),
                             "--replica-serve-stale-data", "no"])
    masterdown = (b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to "
                  b"'no'.\r\n")
    assert raw_error(strict.port, "GET", "k") == masterdown
    assert raw_error(strict.port, "DBSIZE") == masterdown
    assert raw_error(strict.port, "PING") == masterdown
    # Commands flagged stale still run.
    assert info(strict.client())["role"] == "slave"
    assert strict.client().config_get("port")


def test_expired_keys_are_hidden_on_the_replica_until_the_primarys_del(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1,
                                           primary_args=["--enable-debug-command", "yes"])
    pc, rc = primary.client(), replica.client()
    pc.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    pc.set("short", "v", px=100)
    pc.set("long", "v")
    wait_synced(pc, rc)
    time.sleep(0.15)
    assert rc.get("short") is None
    assert rc.exists("short") == 0
    assert rc.ttl("short") == -2
    assert rc.dbsize() == 2, "the replica deleted the expired key on its own"
    assert rc.get("long") == b"v"
    offset = master_offset(pc)
    assert pc.get("short") is None  # the primary expires it lazily and streams a DEL
    assert master_offset(pc) > offset
    wait_synced(pc, rc)
    assert rc.dbsize() == 1
