"""FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], Redis 7.0's coordinated switchover between
servers under test: no acknowledged write lost under a write load, the old master continuing as a
replica with a partial sync, a chosen target among two replicas, TIMEOUT (abort, or FORCE),
ABORT, INFO master_failover_state, PSYNC ... FAILOVER on the target and the error replies.
Passes with TANDEM_SERVER=/usr/bin/redis-server too. Every wait is bounded."""
import threading
import time

import pytest
import redis

from support.calls import call
from support.dataset import assert_same, snapshot
from support.replication import (FAST_SYNC, info, replicate, start_replicated, stopped,
                                 sync_counters, wait_acked, wait_online, wait_synced)
from support.resp_socket import RawConnection, RespError, decode
from support.waits import wait_until


def failover_state(client):
    return info(client)["master_failover_state"]


def role(client):
    return info(client)["role"]


def raw_reply(port, *command):
    """The decoded reply (a RespError for an error) of one command on a fresh connection."""
    with RawConnection(port) as conn:
        conn.send_command(*command)
        return decode(conn.read_frame())


def error_text(port, *command):
    reply = raw_reply(port, *command)
    assert isinstance(reply, RespError), reply
    return str(reply)


def wait_failover_state(client, state, limit=15.0):
    wait_until(lambda: failover_state(client) == state, f"master_failover_state:{state}", limit,
               state=lambda: failover_state(client))


def wait_link_up(client, limit=15.0):
    wait_until(lambda: info(client).get("master_link_status") == "up", "master link up", limit,
               state=lambda: info(client).get("master_link_status"))


class Writer:
    """A thread writing SET w:<i> <i> until stopped or refused; `acked` holds every i the server
    answered +OK to, in order."""

    def __init__(self, port):
        self.client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=20)
        self.acked = []
        self.refusal = None
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        i = 0
        while not self.stop_flag.is_set() and i < 500_000:
            try:
                self.client.set(f"w:{i}", i)
            except (redis.ResponseError, redis.ConnectionError) as err:
                self.refusal = str(err)
                return
            self.acked.append(i)
            i += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(30)
        self.client.close()


def test_errors(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    port = primary.port
    assert error_text(port, "FAILOVER", "ABORT") == "ERR No failover in progress."
    assert error_text(port, "FAILOVER", "TO") == "ERR syntax error"
    assert error_text(port, "FAILOVER", "ABORT", "TIMEOUT", "5") == "ERR syntax error"
    assert error_text(port, "FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6") == "ERR syntax error"
    assert error_text(port, "FAILOVER", "FORCE", "FORCE") == "ERR syntax error"
    assert error_text(port, "FAILOVER", "TIMEOUT", "0") == \
        "ERR FAILOVER timeout must be greater than 0"
    assert error_text(port, "FAILOVER", "TIMEOUT", "-5") == \
        "ERR FAILOVER timeout must be greater than 0"
    assert error_text(port, "FAILOVER", "TIMEOUT", "x") == \
        "ERR value is not an integer or out of range"
    assert error_text(port, "FAILOVER", "TO", "127.0.0.1", "port") == \
        "ERR value is not an integer or out of range"
    force_error = "ERR FAILOVER with force option requires both a timeout and target HOST and IP."
    assert error_text(port, "FAILOVER", "FORCE", "TIMEOUT", "100") == force_error
    assert error_text(port, "FAILOVER", "TO", "127.0.0.1", replica.port, "FORCE") == force_error
    assert error_text(port, "FAILOVER", "TO", "127.0.0.1", replica.port + 1) == \
        "ERR FAILOVER target HOST and PORT is not a replica."
    assert error_text(port, "FAILOVER", "TO", "10.1.2.3", replica.port) == \
        "ERR FAILOVER target HOST and PORT is not a replica."
    assert error_text(replica.port, "FAILOVER") == \
        "ERR FAILOVER is not valid when server is a replica."
    # The target side: PSYNC ... FAILOVER needs a replica whose replid is the one given.
    assert error_text(port, "PSYNC", info(pc)["master_replid"], "1", "FAILOVER") == \
        "ERR PSYNC FAILOVER can't be sent to a master."
    assert error_text(replica.port, "PSYNC", "f" * 40, "1", "FAILOVER") == \
        "ERR PSYNC FAILOVER replid must match my replid."
    assert role(rc) == "slave" and role(pc) == "master"
    assert failover_state(pc) == "no-failover"

    # Nothing left to fail over to.
    call(rc, "REPLICAOF", "NO", "ONE")
    wait_until(lambda: info(pc)["connected_slaves"] == "0", "replica gone")
    assert error_text(port, "FAILOVER") == "ERR FAILOVER requires connected replicas."
    assert error_text(port, "FAILOVER", "TO", "127.0.0.1", replica.port) == \
        "ERR FAILOVER requires connected replicas."


def test_failover_under_write_load_loses_no_acknowledged_write(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    before = sync_counters(rc)
    with Writer(primary.port) as writer:
        wait_until(lambda: len(writer.acked) > 500, "writes under way")
        assert call(pc, "FAILOVER") == b"OK"
        wait_failover_state(pc, "no-failover")
        # The writes held by the pause are refused once the old master is a replica.
        wait_until(lambda: writer.refusal is not None, "a write refused by the demoted master")
    assert writer.refusal.startswith("You can't write against a read only replica"), \
        writer.refusal
    assert role(rc) == "master" and role(pc) == "slave"
    assert info(pc)["master_port"] == str(replica.port)
    wait_link_up(pc)
    # Every acknowledged write is on the new master.
    values = rc.mget([f"w:{i}" for i in writer.acked])
    missing = [i for i, v in zip(writer.acked, values) if v != str(i).encode()]
    assert not missing, f"{len(missing)} acknowledged writes lost, first {missing[:5]}"
    # The old master continued the stream: a partial sync, no full one.
    full, partial, _ = sync_counters(rc)
    assert (full, partial) == (before[0], before[1] + 1), (before, sync_counters(rc))
    # And it follows its new master.
    rc.set("after-failover", "1")
    wait_synced(rc, pc)
    assert pc.get("after-failover") == b"1"
    assert_same(snapshot(rc), snapshot(pc))


def test_failover_to_a_chosen_replica_of_two(server_factory):
    primary, (first, second) = start_replicated(server_factory, 2)
    pc, fc, sc = primary.client(), first.client(), second.client()
    for i in range(100):
        pc.set(f"k{i}", i)
    wait_synced(pc, sc)
    before = sync_counters(sc)
    assert call(pc, "FAILOVER", "TO", "127.0.0.1", second.port, "TIMEOUT", "10000") == b"OK"
    wait_failover_state(pc, "no-failover")
    assert role(sc) == "master"
    assert role(pc) == "slave" and info(pc)["master_port"] == str(second.port)
    wait_link_up(pc)
    # The other replica still follows the old master, now a replica: the chain carries the
    # new master's writes.
    sc.set("from-new-master", "1")
    wait_until(lambda: fc.get("from-new-master") == b"1", "write reaching the other replica")
    assert role(fc) == "slave"
    # Pointed at the new master, it continues with a partial sync too.
    replicate(fc, second)
    wait_synced(sc, fc)
    wait_synced(sc, pc)
    full, partial, _ = sync_counters(sc)
    assert (full, partial) == (before[0], before[1] + 2), (before, sync_counters(sc))
    assert_same(snapshot(sc), snapshot(fc))
    assert_same(snapshot(sc), snapshot(pc))


def test_waiting_for_sync_then_timeout_aborts_and_resumes_writes(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    before = sync_counters(pc)
    held = {}

    def held_write():
        c = primary.client()
        held["reply"] = c.set("held", "1")
        held["at"] = time.monotonic()
        c.close()

    with stopped(replica):
        pc.set("case", "1")  # never ACKed while the replica is stopped
        assert call(pc, "FAILOVER", "TO", "127.0.0.1", replica.port, "TIMEOUT", "1500") == b"OK"
        started = time.monotonic()
        assert failover_state(pc) == "waiting-for-sync"
        assert pc.get("case") == b"1"  # reads are served
        writer = threading.Thread(target=held_write)
        writer.start()
        time.sleep(0.3)
        assert "reply" not in held  # writes wait
        assert failover_state(pc) == "waiting-for-sync"
        wait_failover_state(pc, "no-failover")
        writer.join(10)
    assert held["reply"] is True and held["at"] - started >= 1.0
    assert role(pc) == "master" and call(pc, "SET", "after", "1") == b"OK"
    wait_synced(pc, rc)
    assert role(rc) == "slave"
    assert sync_counters(pc)[:2] == before[:2]
    assert_same(snapshot(pc), snapshot(rc))


def test_timeout_with_force_fails_over_anyway(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    with stopped(replica):
        pc.set("case", "2")  # never ACKed
        assert call(pc, "FAILOVER", "TO", "127.0.0.1", replica.port, "TIMEOUT", "200",
                    "FORCE") == b"OK"
        wait_failover_state(pc, "failover-in-progress")
        # Never two masters: the old one is a replica already.
        assert role(pc) == "slave"
        assert error_text(primary.port, "REPLICAOF", "NO", "ONE") == \
            "ERR REPLICAOF not allowed while failing over."
    wait_failover_state(pc, "no-failover")
    assert role(rc) == "master"
    assert role(pc) == "slave" and info(pc)["master_port"] == str(replica.port)
    wait_synced(rc, pc)
    assert_same(snapshot(rc), snapshot(pc))


def test_abort_while_waiting_for_sync(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    before = sync_counters(pc)
    with stopped(replica):
        pc.set("case", "3")
        assert call(pc, "FAILOVER", "TIMEOUT", "60000") == b"OK"
        # A stopped replica never ACKs: the state stays.
        for _ in range(3):
            time.sleep(0.5)
            assert failover_state(pc) == "waiting-for-sync"
        assert error_text(primary.port, "FAILOVER") == "ERR FAILOVER already in progress."
        assert error_text(primary.port, "REPLICAOF", "127.0.0.1", replica.port) == \
            "ERR REPLICAOF not allowed while failing over."
        assert error_text(primary.port, "PSYNC", "?", "-1") == \
            "NOMASTERLINK Can't SYNC while failing over"
        assert call(pc, "FAILOVER", "ABORT") == b"OK"
        assert failover_state(pc) == "no-failover"
        assert call(pc, "SET", "after-abort", "1") == b"OK"
    assert role(pc) == "master"
    wait_synced(pc, rc)
    wait_acked(pc)
    assert sync_counters(pc)[:2] == before[:2]
    assert rc.get("after-abort") == b"1"


def test_failover_when_the_target_refuses_the_psync(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    pc, rc = primary.client(), replica.client()
    before = sync_counters(pc)
    rc.execute_command("ACL", "SETUSER", "default", "-psync")
    assert call(pc, "FAILOVER", "TO", "127.0.0.1", replica.port) == b"OK"
    wait_failover_state(pc, "no-failover")
    # Back to master, with a new history (the old one as replid2) the replica continues.
    rc.execute_command("ACL", "SETUSER", "default", "+psync")
    assert role(pc) == "master" and role(rc) == "slave"
    pc.set("after", "1")
    wait_synced(pc, rc)
    full, partial, _ = sync_counters(pc)
    assert full == before[0] and partial == before[1] + 1, (before, sync_counters(pc))
    assert rc.get("after") == b"1"
    assert "Failover target rejected psync request" in primary.read_log()


def test_failover_state_is_in_info_replication_of_both_roles(server_factory):
    primary, (replica,) = start_replicated(server_factory, 1)
    for client in (primary.client(), replica.client()):
        fields = list(info(client))
        assert fields.index("master_failover_state") == fields.index("master_replid") - 1
        assert fields.index("master_failover_state") > fields.index("connected_slaves")
        assert info(client)["master_failover_state"] == "no-failover"


@pytest.mark.parametrize("under_test_is", ["master", "target"])
def test_failover_between_a_real_redis_and_the_server_under_test(server_factory, redis_factory,
                                                                 under_test_is):
    ours = server_factory(FAST_SYNC)
    theirs = redis_factory(FAST_SYNC)
    master, target = (ours, theirs) if under_test_is == "master" else (theirs, ours)
    mc, tc = master.client(), target.client()
    replicate(tc, master)
    wait_online(mc, 1)
    for i in range(200):
        mc.set(f"k{i}", i)
    wait_synced(mc, tc)
    before = sync_counters(tc)
    assert call(mc, "FAILOVER", "TO", "127.0.0.1", target.port) == b"OK"
    wait_failover_state(mc, "no-failover")
    assert role(tc) == "master" and role(mc) == "slave"
    tc.set("after", "1")
    wait_synced(tc, mc)
    full, partial, _ = sync_counters(tc)
    assert (full, partial) == (before[0], before[1] + 1), (before, sync_counters(tc))
    assert_same(snapshot(tc), snapshot(mc))
