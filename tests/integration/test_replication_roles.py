"""Role changes and their side effects: the backlog a promoted replica keeps, blocked clients of a
master that turns into a replica, and expiry while writes are paused."""
import socket
import time

from support.replication import (FAST_SYNC, info, replicate, start_replicated, sync_counters,
                                 wait_online, wait_synced)
from support.waits import wait_until


def test_promoted_replica_keeps_its_backlog_past_the_ttl_it_spent_as_a_replica(server_factory):
    # A replica that has lived longer than repl-backlog-ttl must not free its backlog the moment
    # it is promoted: its former siblings need it for their partial syncs.
    primary, (promoted, sibling) = start_replicated(
        server_factory, 2, replica_args=["--repl-backlog-ttl", "1"])
    pc, nc, sc = primary.client(), promoted.client(), sibling.client()
    pc.set("before", "1")
    wait_synced(pc, nc)
    wait_synced(pc, sc)
    time.sleep(2.5)  # more than the TTL spent as a replica (the cron checks once a second)
    primary.stop()
    assert nc.execute_command("REPLICAOF", "NO", "ONE") == b"OK"
    time.sleep(0.3)  # a cron pass after the promotion
    assert info(nc)["repl_backlog_active"] == "1"
    before = sync_counters(nc)
    replicate(sc, promoted)
    wait_online(nc, 1)
    wait_synced(nc, sc)
    assert sync_counters(nc) == (before[0], before[1] + 1, before[2]), \
        f"expected a partial sync: {before} -> {sync_counters(nc)}"


def _send(port, *args):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"".join([f"*{len(args)}\r\n".encode()] +
                       [f"${len(str(a))}\r\n{a}\r\n".encode() for a in args]))
    return s


def _read_all(s):
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return data
        data += chunk


def test_a_master_turning_replica_ends_blocked_commands(server_factory):
    master, other = server_factory(FAST_SYNC), server_factory(FAST_SYNC)
    mc = master.client()
    blocked = _send(master.port, "BLPOP", "queue", "0")
    wait_until(lambda: int(info(mc, "clients")["blocked_clients"]) == 1, "BLPOP blocked")
    replicate(mc, other)
    reply = _read_all(blocked)  # the server replies, then closes the connection
    assert reply == (b"-UNBLOCKED force unblock from blocking operation, instance state changed "
                     b"(master -> replica?)\r\n")
    assert int(info(mc, "clients")["blocked_clients"]) == 0


def test_nothing_expires_while_writes_are_paused(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    pc.set("short", "v", px=1000)
    wait_synced(pc, rc)
    offset = int(info(pc)["master_repl_offset"])
    assert pc.execute_command("CLIENT", "PAUSE", "5000", "WRITE") == b"OK"
    assert pc.dbsize() == 1, "the key expired before the pause began: the machine is too slow"
    time.sleep(1.2)
    assert pc.get("short") is None  # hidden: its TTL passed
    assert pc.dbsize() == 1  # but not deleted: a DEL would enter the stream during the pause
    assert int(info(pc)["master_repl_offset"]) == offset
    assert pc.execute_command("CLIENT", "UNPAUSE") == b"OK"
    wait_until(lambda: pc.dbsize() == 0, "the key expires once the pause ends")
    wait_synced(pc, rc)
    assert rc.dbsize() == 0


def test_a_replica_with_an_aof_rewrites_it_after_a_full_sync(server_factory):
    # The AOF must describe the data set the full sync installed, or a restart would bring back
    # the replica's old data instead of its master's.
    primary = server_factory(FAST_SYNC)
    pc = primary.client()
    pc.mset({f"k{i}": i for i in range(100)})
    replica = server_factory(FAST_SYNC + ["--appendonly", "yes"])
    rc = replica.client()
    rc.set("stale", "from before the sync")
    wait_until(lambda: info(rc, "persistence")["aof_rewrite_in_progress"] == "0", "first rewrite")
    replicate(rc, primary)
    wait_online(pc, 1)
    wait_synced(pc, rc)
    pc.set("after", "the sync")
    wait_synced(pc, rc)

    def rewritten():
        p = info(rc, "persistence")
        return (p["aof_rewrite_in_progress"] == "0" and p["aof_rewrite_scheduled"] == "0"
                and int(p["aof_rewrites"]) >= 1)
    wait_until(rewritten, "the AOF rewritten after the full sync",
               state=lambda: str(info(rc, "persistence")))
    rc.execute_command("REPLICAOF", "NO", "ONE")
    replica.stop()
    replica.start()
    rc = replica.client()
    assert rc.dbsize() == 101
    assert rc.get("stale") is None
    assert rc.get("after") == b"the sync"


def test_replicaof_is_recorded_in_config_and_rewritten(server_factory):
    """REPLICAOF changes the replicaof parameter, so CONFIG REWRITE (part of Sentinel's promotion
    and repointing transactions) makes a restart keep the role; NO ONE removes it again."""
    primary = server_factory()
    node = server_factory(config="# node\n")
    c = node.client()
    assert c.execute_command("REPLICAOF", "127.0.0.1", primary.port) in (b"OK", "OK")
    assert c.config_get("replicaof") == {"replicaof": f"127.0.0.1 {primary.port}"}
    c.config_rewrite()
    lines = node.config_path.read_text().splitlines()
    assert f"replicaof 127.0.0.1 {primary.port}" in lines
    c.execute_command("REPLICAOF", "NO", "ONE")
    assert c.config_get("replicaof") == {"replicaof": ""}
    c.config_rewrite()
    assert not [line for line in node.config_path.read_text().splitlines()
                if line.startswith("replicaof")]
