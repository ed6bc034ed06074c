"""The replica side of replication, Redis 7.0's: a server under test (TANDEM_SERVER) replicating from a
real redis-server primary. Full sync in both RDB framings, the stream (several dbs, MULTI, scripts,
expiries), partial resyncs after a killed link and after the replica's own restart, REPLICAOF NO ONE,
READONLY, MASTERDOWN, replica-side expiry, INFO replication and ROLE.

With TANDEM_SERVER=/usr/bin/redis-server both ends are Redis, which is how these expectations were
checked."""
import time

import pytest
import redis

from conftest import server_binary
from support.dataset import assert_same, fill_every_type, snapshot
from support.processes import ServerProcess, free_port
from support.replication import FAST_SYNC, wait_synced
from support.resp_socket import RawConnection
from support.waits import wait_until

READONLY = "You can't write against a read only replica."
MASTERDOWN = "Link with MASTER is down and replica-serve-stale-data is set to 'no'."


@pytest.fixture(scope="module", autouse=True)
def replication_commands_present(tmp_path_factory):
    """Skips the module while the server under test has no ROLE (the primary side's Role/INFO/
    Start of replication.cc not merged yet)."""
    proc = ServerProcess(server_binary(), tmp_path_factory.mktemp("probe"), [], None).start()
    try:
        with proc.client() as c:
            try:
                c.execute_command("ROLE")
            except redis.ResponseError as e:
                pytest.skip(f"replication not wired in this build yet (ROLE: {e})")
    finally:
        proc.stop()


def start_primary(redis_factory, *args):
    """A real redis-server primary that syncs at once and takes DEBUG commands."""
    return redis_factory(FAST_SYNC + ["--enable-debug-command", "yes", *args])


def replica_config(primary_port, extra=""):
    return f"replicaof 127.0.0.1 {primary_port}\n" + extra


def start_replica(server_factory, primary, extra=""):
    return server_factory(config=replica_config(primary.port, extra))


def repl_info(client):
    return client.info("replication")


def stats(client):
    return client.info("stats")


@pytest.fixture
def pair(redis_factory, server_factory):
    """A real primary and a synced replica under test: (primary client, replica client, procs)."""
    primary = start_primary(redis_factory)
    replica = start_replica(server_factory, primary)
    p, r = primary.client(), replica.client()
    wait_synced(p, r)
    # A real primary starts the stream at the replica's first ACK after the payload; when that ACK
    # beats the primary's own end-of-transfer handling, the stream waits for the next one (a
    # second later). A write seen on the replica proves the stream flows.
    p.set("fixture:probe", "1")
    p.delete("fixture:probe")
    wait_synced(p, r)
    yield p, r, (primary, replica)
    p.close()
    r.close()


@pytest.mark.parametrize("diskless", ["yes", "no"])
def test_full_sync_of_every_type_with_ttls(redis_factory, server_factory, diskless):
    # diskless yes: the $EOF:<mark> framing; no: a BGSAVE sent as $<len>.
    primary = start_primary(redis_factory, "--repl-diskless-sync", diskless)
    p = primary.client()
    fill_every_type(p)
    replica = start_replica(server_factory, primary)
    r = replica.client()
    wait_synced(p, r)
    assert_same(snapshot(p), snapshot(r))
    assert stats(p)["sync_full"] == 1
    # The replica adopted the primary's history.
    assert repl_info(r)["master_replid"] == repl_info(p)["master_replid"]


def test_full_sync_replaces_existing_data(redis_factory, server_factory):
    primary = start_primary(redis_factory)
    p = primary.client()
    p.set("from-primary", "1")
    replica = server_factory()
    r = replica.client()
    r.set("local-only", "x")
    r.select(2)
    r.set("local-db2", "y")
    assert r.replicaof("127.0.0.1", primary.port) == b"OK"
    wait_synced(p, r)
    assert r.get("local-db2") is None
    r.select(0)
    assert r.get("local-only") is None
    assert r.get("from-primary") == b"1"


def test_follows_a_mixed_stream(pair):
    p, r, _ = pair
    p.set("s", "1")
    p.incrby("counter", 5)
    p.rpush("l", "a", "b", "c")
    p.execute_command("SELECT", 3)
    p.hset("h3", mapping={"a": "1", "b": "2"})
    p.execute_command("SELECT", 0)
    with p.pipeline(transaction=True) as tx:
        tx.set("tx1", "a")
        tx.lpush("tx-list", "x", "y")
        tx.sadd("tx-set", "m1", "m2")
        tx.execute()
    p.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('zadd', KEYS[2], 1, 'z')", 2,
           "script-key", "script-zset", "from-lua")
    p.expire("s", 1000)
    p.set("px", "v", px=3_600_000)
    p.set("short", "v", px=50)
    time.sleep(0.1)
    assert p.get("short") is None  # the lazy expiry propagates a DEL
    p.delete("l")
    wait_synced(p, r)
    assert_same(snapshot(p, dbs=(0, 3)), snapshot(r, dbs=(0, 3)))
    assert r.exists("short") == 0


def test_partial_resync_after_the_link_is_killed(pair):
    p, r, _ = pair
    p.set("before", "1")
    wait_synced(p, r)
    full, partial = stats(p)["sync_full"], stats(p)["sync_partial_ok"]
    assert p.client_kill_filter(_type="slave") == 1
    for i in range(50):
        p.set(f"during:{i}", i)
    wait_until(lambda: stats(p)["sync_partial_ok"] == partial + 1, "partial resync", 15)
    wait_synced(p, r)
    assert stats(p)["sync_full"] == full
    assert_same(snapshot(p), snapshot(r))


def test_partial_resync_after_the_replica_restarts(pair):
    p, r, (primary, replica) = pair
    p.set("before", "1")
    p.execute_command("SELECT", 1)
    p.set("db1-before", "1")
    p.execute_command("SELECT", 0)
    wait_synced(p, r)
    full, partial = stats(p)["sync_full"], stats(p)["sync_partial_ok"]
    r.shutdown(save=True)
    assert replica.wait_exit() is not None
    assert (replica.dir / "dump.rdb").exists()
    p.set("while-down", "1")
    p.execute_command("SELECT", 1)
    p.set("db1-while-down", "1")  # the stream continues in db 1: repl-stream-db matters
    replica.start()
    r2 = replica.client()
    wait_synced(p, r2)
    assert stats(p)["sync_partial_ok"] == partial + 1
    assert stats(p)["sync_full"] == full
    assert_same(snapshot(p), snapshot(r2))
    r2.close()


def test_replicaof_no_one_promotes_and_keeps_the_history(pair):
    p, r, _ = pair
    p.set("k", "v")
    wait_synced(p, r)
    old_id = repl_info(p)["master_replid"]
    offset = repl_info(r)["master_repl_offset"]
    assert r.execute_command("REPLICAOF", "NO", "ONE") == b"OK"
    info = repl_info(r)
    assert info["role"] == "master"
    assert info["master_replid2"] == old_id
    assert info["master_replid"] != old_id
    assert info["second_repl_offset"] == offset + 1
    assert info["master_repl_offset"] == offset
    assert r.set("written", "after promotion") is True
    assert r.get("k") == b"v"
    # A master asked for NO ONE again is left alone.
    assert r.execute_command("SLAVEOF", "NO", "ONE") is True  # redis-py maps +OK
    assert r.execute_command("ROLE")[0] == b"master"


def test_replicaof_replies_and_errors(redis_factory, server_factory):
    primary = start_primary(redis_factory)
    r = server_factory().client()
    for bad in ("abc", "-1", "70000"):
        with pytest.raises(redis.ResponseError, match="^Invalid master port$"):
            r.execute_command("REPLICAOF", "127.0.0.1", bad)
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'replicaof'"):
        r.execute_command("REPLICAOF", "127.0.0.1")
    assert r.execute_command("REPLICAOF", "127.0.0.1", primary.port) == b"OK"
    assert (r.execute_command("REPLICAOF", "127.0.0.1", primary.port)
            == b"OK Already connected to specified master")
    assert r.execute_command("SLAVEOF", "NO", "ONE") is True  # redis-py maps +OK
    assert repl_info(r)["role"] == "master"


def test_writes_are_refused_with_readonly(pair):
    _, r, _ = pair
    with pytest.raises(redis.ReadOnlyError, match=READONLY):
        r.set("k", "v")
    with pytest.raises(redis.ReadOnlyError, match=READONLY):
        r.execute_command("DEL", "k")
    assert r.get("k") is None  # reads are served


def test_masterdown_while_the_link_is_down(redis_factory, server_factory):
    primary = start_primary(redis_factory)
    p = primary.client()
    p.set("k", "v")
    replica = start_replica(server_factory, primary, "replica-serve-stale-data no\n")
    r = replica.client()
    wait_synced(p, r)
    assert r.get("k") == b"v"
    primary.stop()
    wait_until(lambda: repl_info(r)["master_link_status"] == "down", "link down", 15)
    with pytest.raises(redis.ResponseError, match="^MASTERDOWN " + MASTERDOWN + "$"):
        r.get("k")
    assert repl_info(r)["role"] == "slave"  # INFO is allowed on stale data
    info = repl_info(r)
    assert info["master_link_down_since_seconds"] >= 0
    assert info["master_last_io_seconds_ago"] == -1


def test_expired_keys_are_hidden_until_the_primary_deletes_them(pair):
    p, r, _ = pair
    p.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    p.set("soon", "v", px=800)
    p.set("stays", "v")
    wait_synced(p, r)
    assert r.get("soon") == b"v"
    time.sleep(0.9)
    assert r.get("soon") is None
    assert r.exists("soon") == 0
    assert r.dbsize() == 2  # still there, hidden
    assert p.get("soon") is None  # the primary expires it now and streams DEL
    wait_synced(p, r)
    assert r.dbsize() == 1


def test_info_replication_fields_and_role(pair):
    p, r, (primary, replica) = pair
    p.set("k", "v")
    wait_synced(p, r)
    with RawConnection(replica.port) as conn:
        conn.send_command("INFO", "replication")
        frame = conn.read_frame().decode()
    text = frame[frame.index("\r\n") + 2:]
    names = [line.split(":")[0] for line in text.split("\r\n")[1:] if line]
    assert names[:12] == ["role", "master_host", "master_port", "master_link_status",
                          "master_last_io_seconds_ago", "master_sync_in_progress",
                          "slave_read_repl_offset", "slave_repl_offset", "slave_priority",
                          "slave_read_only", "replica_announced", "connected_slaves"]
    info = repl_info(r)
    assert info["master_host"] == "127.0.0.1"
    assert info["master_port"] == primary.port
    assert info["master_sync_in_progress"] == 0
    assert 0 <= info["master_last_io_seconds_ago"] <= 2
    assert info["slave_read_repl_offset"] == info["slave_repl_offset"]
    assert info["slave_read_only"] == 1
    assert info["slave_priority"] == 100
    assert info["master_replid"] == repl_info(p)["master_replid"]
    assert info["master_repl_offset"] == info["slave_repl_offset"]
    assert info["repl_backlog_active"] == 1
    role = r.execute_command("ROLE")
    assert role == [b"slave", b"127.0.0.1", primary.port, b"connected", info["slave_repl_offset"]]
    # The primary sees the replica's listening port and its ACKed offset.
    wait_until(lambda: repl_info(p).get("slave0", {}).get("offset") == info["slave_repl_offset"],
               "ACK of the offset", 15, state=lambda: repl_info(p).get("slave0"))
    assert repl_info(p)["slave0"]["port"] == replica.port
    assert repl_info(p)["slave0"]["state"] == "online"


def test_info_and_role_without_a_reachable_master(server_factory):
    dead = free_port()
    r = server_factory(config=replica_config(dead)).client()
    info = repl_info(r)
    assert info["role"] == "slave"
    assert info["master_port"] == dead
    assert info["master_link_status"] == "down"
    assert info["master_last_io_seconds_ago"] == -1
    assert info["master_link_down_since_seconds"] == -1  # never up
    role = r.execute_command("ROLE")
    assert role[:3] == [b"slave", b"127.0.0.1", dead]
    assert role[3] in (b"connect", b"connecting")
    with pytest.raises(redis.ReadOnlyError):
        r.set("k", "v")
