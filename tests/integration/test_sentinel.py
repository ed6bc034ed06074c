"""Sentinel client commands and reply shapes (Redis 7.0's), AUTH with requirepass, pub/sub events,
no failover without a quorum, a restarted sentinel keeping its id and epoch, and sentinels over
real redis-server nodes. Servers come from TANDEM_SERVER, sentinels from TANDEM_SENTINEL
(support/sentinel.py); the module is skipped while the sentinel binary does not exist. Passes
with TANDEM_SERVER=/usr/bin/redis-server TANDEM_SENTINEL=/usr/bin/redis-server. The failovers
themselves are in test_sentinel_failover.py. Every wait is bounded."""
import re
import time

import pytest
import redis

from conftest import is_real_redis, server_binary
from support.sentinel import (MASTER, STATE_FILE, EventLog, SentinelProcess, field_dict,
                              is_redis_sentinel, kill9, node_role, running_layout,
                              sentinel_available, sentinel_binary, server_starter)
from support.calls import call
from support.processes import free_port
from support.resp_socket import RawConnection, decode

pytestmark = pytest.mark.skipif(not sentinel_available(),
                                reason=f"no sentinel binary at {sentinel_binary()} "
                                       "(set TANDEM_SENTINEL)")

# Redis 7.0's field names, in its order, for a healthy master / replica / peer sentinel.
MASTER_FIELDS = ["name", "ip", "port", "runid", "flags", "link-pending-commands",
                 "link-refcount", "last-ping-sent", "last-ok-ping-reply", "last-ping-reply",
                 "down-after-milliseconds", "info-refresh", "role-reported",
                 "role-reported-time", "config-epoch", "num-slaves", "num-other-sentinels",
                 "quorum", "failover-timeout", "parallel-syncs"]
REPLICA_FIELDS = ["name", "ip", "port", "runid", "flags", "link-pending-commands",
                  "link-refcount", "last-ping-sent", "last-ok-ping-reply", "last-ping-reply",
                  "down-after-milliseconds", "info-refresh", "role-reported",
                  "role-reported-time", "master-link-down-time", "master-link-status",
                  "master-host", "master-port", "slave-priority", "slave-repl-offset",
                  "replica-announced"]
SENTINEL_FIELDS = ["name", "ip", "port", "runid", "flags", "link-pending-commands",
                   "link-refcount", "last-ping-sent", "last-ok-ping-reply", "last-ping-reply",
                   "down-after-milliseconds", "last-hello-message", "voted-leader",
                   "voted-leader-epoch"]
RUN_ID = re.compile(r"^[0-9a-f]{40}$")


@pytest.fixture(scope="module")
def calm(tmp_path_factory):
    """A discovered layout no test fails over (the shape tests only read it, or monitor and
    remove other names)."""
    base = tmp_path_factory.mktemp("sentinel-calm")
    with server_starter(server_binary(), base) as start:
        with running_layout(start, base) as layout:
            yield layout


@pytest.fixture
def s0(calm):
    """A str-reply client of the calm layout's first sentinel."""
    with calm.sentinels[0].client() as client:
        yield client


def sentinel_cmd(client, *args):
    return call(client, "SENTINEL", *args)


def assert_all_str(fields):
    """Redis replies every SENTINEL MASTER/REPLICAS/SENTINELS value as a bulk string."""
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()), fields


def error_of(client, *args):
    with pytest.raises(redis.ResponseError) as err:
        call(client, *args)
    return str(err.value)


def test_ping_role_and_info_sentinel(calm, s0):
    assert call(s0, "PING") == "PONG"
    assert call(s0, "ROLE") == ["sentinel", [MASTER]]
    lines = call(s0, "INFO", "sentinel").splitlines()
    assert lines[0] == "# Sentinel"
    assert "sentinel_masters:1" in lines
    assert "sentinel_tilt:0" in lines
    assert (f"master0:name={MASTER},status=ok,address=127.0.0.1:{calm.primary.port},"
            f"slaves=2,sentinels=3") in lines


def test_hello_3_reports_sentinel_mode(calm):
    with RawConnection(calm.sentinels[0].port) as conn:
        conn.send_command("HELLO", "3")
        frame = conn.read_frame()
    assert frame.startswith(b"%")  # a RESP3 map
    fields = decode(frame)
    assert fields[b"proto"] == 3
    assert fields[b"mode"] == b"sentinel"


def test_get_master_addr_by_name(calm, s0):
    assert sentinel_cmd(s0, "GET-MASTER-ADDR-BY-NAME", MASTER) == ["127.0.0.1",
                                                                   str(calm.primary.port)]
    assert sentinel_cmd(s0, "GET-MASTER-ADDR-BY-NAME", "nope") is None


def test_masters_and_master_fields(calm, s0):
    masters = sentinel_cmd(s0, "MASTERS")
    assert len(masters) == 1 and isinstance(masters[0], list)
    assert masters[0][::2] == MASTER_FIELDS
    fields = field_dict(masters[0])
    assert_all_str(fields)
    assert fields["name"] == MASTER and fields["ip"] == "127.0.0.1"
    assert fields["port"] == str(calm.primary.port)
    assert fields["runid"] == calm.primary.client().info("server")["run_id"]
    assert fields["flags"] == "master"
    assert fields["role-reported"] == "master"
    assert (fields["num-slaves"], fields["num-other-sentinels"], fields["quorum"]) == ("2", "2",
                                                                                    "2")
    assert fields["down-after-milliseconds"] == "1000"
    assert fields["parallel-syncs"] == "1"
    assert fields["config-epoch"] == "0"
    for name in ("link-pending-commands", "last-ping-sent", "last-ok-ping-reply", "info-refresh",
                 "role-reported-time", "failover-timeout"):
        assert fields[name].isdigit(), (name, fields[name])
    one = sentinel_cmd(s0, "MASTER", MASTER)
    assert one[::2] == MASTER_FIELDS
    assert "No such master with that name" in error_of(s0, "SENTINEL", "MASTER", "nope")


def test_replicas_and_slaves(calm, s0):
    replicas = sentinel_cmd(s0, "REPLICAS", MASTER)
    assert sentinel_cmd(s0, "SLAVES", MASTER)[0][::2] == REPLICA_FIELDS
    assert len(replicas) == 2
    ports = set()
    for row in replicas:
        assert row[::2] == REPLICA_FIELDS
        fields = field_dict(row)
        assert_all_str(fields)
        assert fields["flags"] == "slave"
        assert fields["name"] == f"127.0.0.1:{fields['port']}"
        assert fields["master-port"] == str(calm.primary.port)
        assert fields["master-link-status"] == "ok"
        assert fields["slave-priority"] == "100"
        assert fields["slave-repl-offset"].isdigit()
        ports.add(int(fields["port"]))
    assert ports == {r.port for r in calm.replicas}
    assert "No such master" in error_of(s0, "SENTINEL", "REPLICAS", "nope")


def test_sentinels_and_myid(calm, s0):
    ids = []
    for sentinel in calm.sentinels:
        with sentinel.client() as c:
            myid = sentinel_cmd(c, "MYID")
        assert RUN_ID.match(myid), myid
        ids.append(myid)
    assert len(set(ids)) == 3
    peers = sentinel_cmd(s0, "SENTINELS", MASTER)
    assert len(peers) == 2
    seen = {}
    for row in peers:
        assert row[::2] == SENTINEL_FIELDS
        fields = field_dict(row)
        assert_all_str(fields)
        assert fields["flags"] == "sentinel"
        assert fields["name"] == fields["runid"]
        assert fields["voted-leader-epoch"].isdigit()
        seen[int(fields["port"])] = fields["runid"]
    assert seen == {s.port: i for s, i in zip(calm.sentinels[1:], ids[1:])}


def test_ckquorum(s0):
    assert sentinel_cmd(s0, "CKQUORUM", MASTER) == (
        "OK 3 usable Sentinels. Quorum and failover authorization can be reached")
    assert "No such master" in error_of(s0, "SENTINEL", "CKQUORUM", "nope")


def test_is_master_down_by_addr(calm, s0):
    # runid "*" asks for the down state only, without a vote.
    reply = sentinel_cmd(s0, "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", calm.primary.port, 0, "*")
    assert reply == [0, "*", 0]


def test_info_cache(calm, s0):
    reply = sentinel_cmd(s0, "INFO-CACHE", MASTER)
    assert reply[0] == MASTER
    entries = reply[1]
    assert len(entries) == 3  # the master, then its replicas
    roles = []
    for age, text in entries:
        assert isinstance(age, int) and age >= 0
        roles.append(re.search(r"^role:(\w+)", text, re.M).group(1))
    assert roles == ["master", "slave", "slave"]
    assert sentinel_cmd(s0, "INFO-CACHE", "nope") == []


def test_config_get(s0):
    assert sentinel_cmd(s0, "CONFIG", "GET", "resolve-hostnames") == ["resolve-hostnames", "no"]
    everything = sentinel_cmd(s0, "CONFIG", "GET", "*")
    names = everything[::2]
    for name in ("resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port"):
        assert name in names
    assert all(isinstance(v, str) for v in everything)


def test_set(s0):
    assert sentinel_cmd(s0, "SET", MASTER, "down-after-milliseconds", "1000") == "OK"
    assert sentinel_cmd(s0, "SET", MASTER, "parallel-syncs", "1") == "OK"
    assert field_dict(sentinel_cmd(s0, "MASTER", MASTER))["parallel-syncs"] == "1"
    assert "Unknown option or number of arguments for SENTINEL SET 'bogus'" in error_of(
        s0, "SENTINEL", "SET", MASTER, "bogus", "1")
    assert "No such master" in error_of(s0, "SENTINEL", "SET", "nope", "quorum", "1")


def test_monitor_remove_reset_and_their_events(calm, s0):
    """SUBSCRIBE/PSUBSCRIBE on a sentinel, +monitor and -monitor events, and the errors."""
    down_port = free_port()  # nothing listens there: the extra master stays harmlessly down
    pubsub = s0.pubsub()
    try:
        pubsub.subscribe("+monitor")
        assert pubsub.get_message(timeout=2) == {"type": "subscribe", "pattern": None,
                                                 "channel": "+monitor", "data": 1}
        pubsub.psubscribe("-mon*")
        assert pubsub.get_message(timeout=2)["type"] == "psubscribe"
        assert sentinel_cmd(s0, "MONITOR", "other", "127.0.0.1", down_port, 2) == "OK"
        message = pubsub.get_message(timeout=2)
        assert message["type"] == "message" and message["channel"] == "+monitor"
        assert message["data"] == f"master other 127.0.0.1 {down_port} quorum 2"
        names = {field_dict(m)["name"] for m in sentinel_cmd(s0, "MASTERS")}
        assert names == {MASTER, "other"}
        assert "Duplicate master name" in error_of(s0, "SENTINEL", "MONITOR", "other",
                                                   "127.0.0.1", down_port, 2)
        assert "Quorum must be 1 or greater" in error_of(s0, "SENTINEL", "MONITOR", "third",
                                                         "127.0.0.1", down_port, 0)
        assert sentinel_cmd(s0, "RESET", "oth*") == 1
        assert sentinel_cmd(s0, "RESET", "nomatch*") == 0
        assert sentinel_cmd(s0, "REMOVE", "other") == "OK"
        message = pubsub.get_message(timeout=2)
        assert message["type"] == "pmessage" and message["pattern"] == "-mon*"
        assert message["channel"] == "-monitor"
        assert message["data"] == f"master other 127.0.0.1 {down_port}"
        assert "No such master" in error_of(s0, "SENTINEL", "REMOVE", "other")
        assert [field_dict(m)["name"] for m in sentinel_cmd(s0, "MASTERS")] == [MASTER]
    finally:
        pubsub.close()


def test_unknown_commands_and_subcommands(s0):
    assert error_of(s0, "SENTINEL", "BOGUS") == "unknown subcommand 'BOGUS'. Try SENTINEL HELP."
    assert error_of(s0, "SENTINEL") == "wrong number of arguments for 'sentinel' command"
    assert error_of(s0, "GET", "x").startswith("unknown command 'GET'")


def test_requirepass_needs_auth(server_factory, tmp_path):
    primary = server_factory()
    sentinel = SentinelProcess(tmp_path / "sentinel", primary.port,
                               extra=["requirepass sentinel-secret"])
    try:
        sentinel.start()
        with sentinel.client() as c:
            with pytest.raises(redis.AuthenticationError, match="Authentication required"):
                sentinel_cmd(c, "MASTERS")
            assert error_of(c, "AUTH", "wrong") == (
                "WRONGPASS invalid username-password pair or user is disabled.")
            assert call(c, "AUTH", "sentinel-secret") == "OK"
            assert field_dict(sentinel_cmd(c, "MASTER", MASTER))["port"] == str(primary.port)
        with sentinel.client(password="sentinel-secret") as c:
            assert call(c, "PING") == "PONG"
    finally:
        sentinel.stop()


def test_one_sentinel_alive_does_not_fail_over(server_factory, tmp_path):
    with running_layout(server_factory, tmp_path) as layout:
        for sentinel in layout.sentinels[1:]:
            sentinel.stop()
        events = EventLog(layout.sentinels[:1])
        try:
            kill9(layout.primary)
            events.wait_for("+sdown", limit=10)
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline:
                assert layout.sentinels[0].primary_addr() == ("127.0.0.1", layout.primary.port)
                time.sleep(0.2)
            channels = {c for _, c, _ in events.snapshot()}
            assert not channels & {"+odown", "+try-failover", "+elected-leader",
                                   "+switch-master"}, events.snapshot()
            for replica in layout.replicas:
                assert node_role(replica) == ("slave", layout.primary.port)
        finally:
            events.close()


def test_restarted_sentinel_keeps_id_epoch_and_primary(server_factory, tmp_path):
    with running_layout(server_factory, tmp_path) as layout:
        first = layout.sentinels[0]
        with first.client() as c:
            assert sentinel_cmd(c, "FAILOVER", MASTER) == "OK"
        new_primary = layout.wait_switch(layout.primary.port)
        target = layout.sentinels[1]
        with target.client() as c:
            myid = sentinel_cmd(c, "MYID")
        epoch = field_dict(target.master())["config-epoch"]
        assert int(epoch) >= 1
        target.restart()
        with target.client() as c:
            assert sentinel_cmd(c, "MYID") == myid
        fields = field_dict(target.master())
        assert fields["config-epoch"] == epoch
        assert target.primary_addr() == ("127.0.0.1", new_primary.port)
        if target.is_redis:
            # Redis keeps its state in the rewritten sentinel.conf.
            text = target.conf_path.read_text()
            assert f"sentinel myid {myid}" in text
            assert f"sentinel config-epoch {MASTER} {epoch}" in text
        else:
            # tandem-sentinel never rewrites the operator's file; its state has its own file.
            assert target.conf_path.read_text() == target.conf_text
            assert (target.dir / STATE_FILE).stat().st_size > 0
        # The others still count it as a peer (same id, no duplicate entry).
        layout.wait_discovered()


@pytest.mark.skipif(is_real_redis() and is_redis_sentinel(),
                    reason="with Redis on both sides this is test_sentinel_failover's kill -9")
def test_sentinels_over_real_redis_server_nodes(redis_factory, tmp_path):
    """The sentinel under test monitoring Debian's redis-server primary and replicas: discovery,
    then a kill -9 failover with the other replica repointed."""
    with running_layout(redis_factory, tmp_path) as layout:
        fields = field_dict(layout.sentinels[0].master())
        assert fields["runid"] == layout.primary.client().info("server")["run_id"]
        kill9(layout.primary)
        new_primary = layout.wait_switch(layout.primary.port)
        other = next(r for r in layout.replicas if r is not new_primary)
        layout.wait_replica_of(other, new_primary)


def test_stalled_sentinel_enters_tilt(server_factory, tmp_path):
    """A sentinel stopped for longer than 2 s (as by a stalled host) enters TILT on waking:
    +tilt is published and INFO shows sentinel_tilt:1 (30 s of judging nothing)."""
    primary = server_factory()
    sentinel = SentinelProcess(tmp_path / "s", primary.port).start()
    try:
        events = EventLog([sentinel])
        try:
            time.sleep(0.5)  # a few regular ticks first
            sentinel.pause()
            time.sleep(2.6)
            sentinel.resume()
            events.wait_for("+tilt", limit=10)
            with sentinel.client() as c:
                info = c.info("sentinel")
            assert info["sentinel_tilt"] == 1
            assert info["sentinel_tilt_since_seconds"] >= 0
        finally:
            events.close()
    finally:
        sentinel.stop()


@pytest.mark.skipif(is_redis_sentinel(), reason="tandem-sentinel's state file")
def test_corrupt_state_file_is_a_clear_startup_error(server_factory, tmp_path):
    primary = server_factory()
    sentinel = SentinelProcess(tmp_path / "s", primary.port)
    (sentinel.dir / STATE_FILE).write_bytes(b"\x0a\xff\xff not a state file")
    with pytest.raises(RuntimeError) as failed:
        sentinel.start(timeout=5)
    assert sentinel.proc.returncode == 1
    assert "sentinel state file" in str(failed.value) and STATE_FILE in str(failed.value)
