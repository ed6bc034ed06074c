"""Stream consumer groups: XGROUP, XREADGROUP (also blocking), XACK, XPENDING, XCLAIM, XAUTOCLAIM,
XINFO GROUPS/CONSUMERS/STREAM FULL, notifications, and the work-sharing patterns clients rely on."""
import time

import pytest
import redis

from support.keyevents import keyevents
from support.resp_socket import RawConnection, RespError
from support.waits import wait_blocked

NO_KEY = ("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
          "MKSTREAM option to create an empty stream automatically.")


def info_map(reply):
    return dict(zip(reply[::2], reply[1::2]))


def ids(stream_reply):
    """The IDs of a one-stream XREADGROUP reply (raw connection shape)."""
    assert len(stream_reply) == 1
    return [entry[0] for entry in stream_reply[0][1]]


@pytest.fixture
def four(raw):
    for i in range(1, 5):
        raw.call("XADD", "s", f"{i}-0", "f", str(i))
    assert raw.call("XGROUP", "CREATE", "s", "g", "0") == b"OK"
    return raw


# --- XGROUP -----------------------------------------------------------------------------------------

def test_xgroup_create_and_errors(raw):
    assert str(raw.call("XGROUP", "CREATE", "s", "g", "$")) == NO_KEY
    assert raw.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") == b"OK"
    assert raw.call("TYPE", "s") == b"stream"
    assert str(raw.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")) == "BUSYGROUP Consumer Group name already exists"
    assert str(raw.call("XGROUP", "CREATE", "s", "g2", "bad")) == \
        "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XGROUP", "CREATE", "s", "g2", ">")) == \
        "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-5")) == \
        "ERR value for ENTRIESREAD must be positive or -1"
    assert str(raw.call("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "x")) == \
        "ERR value is not an integer or out of range"
    assert str(raw.call("XGROUP", "CREATE", "s", "g2", "0", "FOO")) == \
        "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."
    assert str(raw.call("XGROUP", "FOO", "s")) == "ERR unknown subcommand 'FOO'. Try XGROUP HELP."
    raw.call("SET", "str", "x")
    assert str(raw.call("XGROUP", "CREATE", "str", "g", "$")).startswith("WRONGTYPE")
    help_lines = raw.call("XGROUP", "HELP")
    assert help_lines[0] == b"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert len(help_lines) == 17


def test_xgroup_setid_destroy_consumers(raw):
    raw.call("XADD", "s", "1-0", "f", "v")
    raw.call("XGROUP", "CREATE", "s", "g", "$")
    assert str(raw.call("XGROUP", "SETID", "s", "nog", "0")) == "NOGROUP No such consumer group 'nog' for key name 's'"
    assert str(raw.call("XGROUP", "SETID", "nokey", "g", "0")) == NO_KEY
    assert raw.call("XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0") == b"OK"
    assert raw.call("XGROUP", "CREATECONSUMER", "s", "g", "c1") == 1
    assert raw.call("XGROUP", "CREATECONSUMER", "s", "g", "c1") == 0
    assert str(raw.call("XGROUP", "CREATECONSUMER", "s", "nog", "c1")) == \
        "NOGROUP No such consumer group 'nog' for key name 's'"
    raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
    assert raw.call("XGROUP", "DELCONSUMER", "s", "g", "c9") == 0
    assert raw.call("XGROUP", "DELCONSUMER", "s", "g", "c1") == 1  # its pending count
    assert raw.call("XPENDING", "s", "g")[0] == 0
    assert raw.call("XGROUP", "DESTROY", "s", "nog") == 0
    assert raw.call("XGROUP", "DESTROY", "s", "g") == 1
    assert str(raw.call("XGROUP", "DESTROY", "nokey", "g")) == NO_KEY
    assert info_map(raw.call("XINFO", "STREAM", "s"))[b"groups"] == 0


# --- XREADGROUP ---------------------------------------------------------------------------------------

def test_xreadgroup_new_history_and_noack(four):
    raw = four
    assert ids(raw.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")) == [b"1-0", b"2-0"]
    assert ids(raw.call("XREADGROUP", "GROUP", "g", "c2", "NOACK", "COUNT", "1", "STREAMS", "s", ">")) == [b"3-0"]
    # History: the consumer's own PEL only; NOACK entries never entered it.
    assert ids(raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0")) == [b"1-0", b"2-0"]
    assert ids(raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "1-0")) == [b"2-0"]
    assert ids(raw.call("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0")) == []
    # A history read counts as a delivery; a deleted entry comes back as [id, nil].
    raw.call("XDEL", "s", "1-0")
    assert raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0") == \
        [[b"s", [[b"1-0", None], [b"2-0", [b"f", b"2"]]]]]
    pending = raw.call("XPENDING", "s", "g", "-", "+", "10")
    assert [(p[0], p[1], p[3]) for p in pending] == [(b"1-0", b"c1", 2), (b"2-0", b"c1", 4)]
    groups = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert groups[b"last-delivered-id"] == b"3-0"
    assert groups[b"consumers"] == 2 and groups[b"pending"] == 2


def test_xreadgroup_nothing_new(four):
    raw = four
    raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
    raw.send_command("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")
    assert raw.read_frame() == b"*-1\r\n"
    # A consumer that gets nothing new is not created.
    raw.call("XREADGROUP", "GROUP", "g", "c9", "STREAMS", "s", ">")
    assert [info_map(c)[b"name"] for c in raw.call("XINFO", "CONSUMERS", "s", "g")] == [b"c1"]


def test_xreadgroup_errors(four):
    raw = four
    assert str(raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "$")).startswith(
        "ERR The $ ID is meaningless in the context of XREADGROUP")
    assert str(raw.call("XREADGROUP", "GROUP", "nog", "c1", "STREAMS", "s", ">")) == \
        "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option"
    assert str(raw.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "nokey", ">")) == \
        "NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"
    assert str(raw.call("XREADGROUP", "GROUP", "g", "STREAMS", "s", ">")) == \
        "ERR wrong number of arguments for 'xreadgroup' command"
    assert str(raw.call("XREADGROUP", "COUNT", "1", "STREAMS", "s", ">", "x", "y")) == \
        "ERR Missing GROUP option for XREADGROUP"
    assert str(raw.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">", "x")) == \
        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."


def test_xreadgroup_inside_multi_does_not_block(four):
    raw = four
    raw.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
    raw.call("MULTI")
    raw.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    raw.send_command("EXEC")
    assert raw.read_frame() == b"*1\r\n*-1\r\n"


def test_two_consumers_share_the_work(r):
    r.xgroup_create("jobs", "workers", id="$", mkstream=True)
    for i in range(10):
        r.xadd("jobs", {"n": str(i)})
    seen = {"a": [], "b": []}
    for _ in range(10):
        for name in ("a", "b"):
            reply = r.xreadgroup("workers", name, {"jobs": ">"}, count=2)
            for _, entries in reply:
                for entry_id, fields in entries:
                    seen[name].append(int(fields[b"n"]))
                    assert r.xack("jobs", "workers", entry_id) == 1
    assert sorted(seen["a"] + seen["b"]) == list(range(10))
    assert seen["a"] and seen["b"] and not set(seen["a"]) & set(seen["b"])
    assert r.xpending("jobs", "workers")["pending"] == 0
    groups = r.xinfo_groups("jobs")
    assert groups[0]["entries-read"] == 10 and groups[0]["lag"] == 0


def test_pending_entry_recovery_with_xautoclaim(r):
    r.xgroup_create("jobs", "workers", id="$", mkstream=True)
    for i in range(5):
        r.xadd("jobs", {"n": str(i)}, id=f"{i + 1}-0")
    # "dead" reads three entries and never acknowledges them.
    r.xreadgroup("workers", "dead", {"jobs": ">"}, count=3)
    live = r.xreadgroup("workers", "live", {"jobs": ">"})
    for _, entries in live:
        r.xack("jobs", "workers", *[e[0] for e in entries])
    time.sleep(0.05)
    # Nothing is idle for 10 s yet; everything is idle for 20 ms.
    assert r.xautoclaim("jobs", "workers", "live", 10_000, "0-0")[1] == []
    cursor, claimed, deleted = r.execute_command("XAUTOCLAIM", "jobs", "workers", "live", "20", "0-0", "COUNT", "2")
    assert cursor == b"3-0" and [c[0] for c in claimed] == [b"1-0", b"2-0"] and deleted == []
    r.xdel("jobs", "3-0")
    cursor, claimed, deleted = r.execute_command("XAUTOCLAIM", "jobs", "workers", "live", "0", cursor, "JUSTID")
    assert cursor == b"0-0" and claimed == [] and deleted == [b"3-0"]
    pending = r.xpending_range("jobs", "workers", "-", "+", 10)
    assert [(p["message_id"], p["consumer"]) for p in pending] == [(b"1-0", b"live"), (b"2-0", b"live")]
    # 1 (read by "dead") + 1 (the claim).
    assert [p["times_delivered"] for p in pending] == [2, 2]
    consumers = {c["name"]: c["pending"] for c in r.xinfo_consumers("jobs", "workers")}
    assert consumers == {b"dead": 0, b"live": 2}


def test_xautoclaim_errors(four):
    raw = four
    assert str(raw.call("XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0")) == "ERR COUNT must be > 0"
    assert str(raw.call("XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "x")) == "ERR COUNT must be > 0"
    assert str(raw.call("XAUTOCLAIM", "s", "g", "c", "0", "bad")) == \
        "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XAUTOCLAIM", "s", "g", "c", "x", "0")) == "ERR Invalid min-idle-time argument for XAUTOCLAIM"
    assert str(raw.call("XAUTOCLAIM", "s", "nog", "c", "0", "0")) == "NOGROUP No such key 's' or consumer group 'nog'"
    assert str(raw.call("XAUTOCLAIM", "nokey", "g", "c", "0", "0")) == "NOGROUP No such key 'nokey' or consumer group 'g'"
    assert raw.call("XAUTOCLAIM", "s", "g", "c", "0", "0") == [b"0-0", [], []]


# --- XACK / XPENDING / XCLAIM --------------------------------------------------------------------------

def test_xack_and_xpending(four):
    raw = four
    raw.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "s", ">")
    raw.call("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">")
    assert raw.call("XPENDING", "s", "g") == [4, b"1-0", b"4-0", [[b"c1", b"3"], [b"c2", b"1"]]]
    assert raw.call("XACK", "s", "g", "1-0", "9-0", "1-0") == 1
    assert str(raw.call("XACK", "s", "g", "bad")) == "ERR Invalid stream ID specified as stream command argument"
    assert raw.call("XACK", "s", "nog", "2-0") == 0
    assert raw.call("XACK", "nokey", "g", "2-0") == 0
    detail = raw.call("XPENDING", "s", "g", "-", "+", "10")
    assert [(p[0], p[1], p[3]) for p in detail] == [(b"2-0", b"c1", 1), (b"3-0", b"c1", 1), (b"4-0", b"c2", 1)]
    assert all(isinstance(p[2], int) and p[2] >= 0 for p in detail)
    assert [p[0] for p in raw.call("XPENDING", "s", "g", "-", "+", "10", "c2")] == [b"4-0"]
    assert [p[0] for p in raw.call("XPENDING", "s", "g", "(2-0", "+", "1")] == [b"3-0"]
    assert raw.call("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10") == []
    assert len(raw.call("XPENDING", "s", "g", "IDLE", "0", "-", "+", "10")) == 3
    assert raw.call("XPENDING", "s", "g", "-", "+", "-1") == []
    assert str(raw.call("XPENDING", "s", "g", "-", "+")) == "ERR syntax error"
    assert str(raw.call("XPENDING", "s", "g", "-", "+", "x")) == "ERR value is not an integer or out of range"
    assert str(raw.call("XPENDING", "s", "nog")) == "NOGROUP No such key 's' or consumer group 'nog'"
    assert str(raw.call("XPENDING", "nokey", "g")) == "NOGROUP No such key 'nokey' or consumer group 'g'"
    raw.call("XACK", "s", "g", "2-0", "3-0", "4-0")
    assert raw.call("XPENDING", "s", "g") == [0, None, None, None]


def test_xclaim_options(four):
    raw = four
    raw.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")
    assert raw.call("XCLAIM", "s", "g", "c3", "0", "2-0", "JUSTID") == [b"2-0"]
    assert raw.call("XCLAIM", "s", "g", "c3", "-5", "1-0") == [[b"1-0", [b"f", b"1"]]]
    # Not pending: nothing, unless FORCE (and the entry exists).
    assert raw.call("XCLAIM", "s", "g", "c3", "0", "3-0") == []
    assert raw.call("XCLAIM", "s", "g", "c3", "0", "3-0", "FORCE", "RETRYCOUNT", "5", "LASTID", "9-0", "IDLE", "100") == \
        [[b"3-0", [b"f", b"3"]]]
    assert raw.call("XCLAIM", "s", "g", "c3", "0", "8-0", "FORCE") == []
    detail = {p[0]: p for p in raw.call("XPENDING", "s", "g", "-", "+", "10")}
    assert detail[b"3-0"][1] == b"c3" and detail[b"3-0"][3] == 5 and detail[b"3-0"][2] >= 100
    assert detail[b"2-0"][3] == 1  # JUSTID kept the count
    assert detail[b"1-0"][3] == 2
    assert info_map(raw.call("XINFO", "GROUPS", "s")[0])[b"last-delivered-id"] == b"9-0"
    # min-idle-time filters: nothing has been idle for an hour.
    assert raw.call("XCLAIM", "s", "g", "c4", "3600000", "1-0") == []
    # A deleted entry is dropped from the PEL.
    raw.call("XDEL", "s", "1-0")
    assert raw.call("XCLAIM", "s", "g", "c4", "0", "1-0") == []
    assert b"1-0" not in [p[0] for p in raw.call("XPENDING", "s", "g", "-", "+", "10")]


def test_xclaim_errors(four):
    raw = four
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "1-0", "IDLE", "x")) == "ERR Invalid IDLE option argument for XCLAIM"
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "1-0", "TIME", "x")) == "ERR Invalid TIME option argument for XCLAIM"
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "1-0", "RETRYCOUNT", "x")) == \
        "ERR Invalid RETRYCOUNT option argument for XCLAIM"
    assert str(raw.call("XCLAIM", "s", "g", "c", "x", "1-0")) == "ERR Invalid min-idle-time argument for XCLAIM"
    assert str(raw.call("XCLAIM", "s", "nog", "c", "0", "1-0")) == "NOGROUP No such key 's' or consumer group 'nog'"
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "bad")) == "ERR Unrecognized XCLAIM option 'bad'"
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "1-0", "FOO")) == "ERR Unrecognized XCLAIM option 'FOO'"
    assert str(raw.call("XCLAIM", "s", "g", "c", "0", "1-0", "LASTID", "bad")) == \
        "ERR Invalid stream ID specified as stream command argument"


# --- XINFO --------------------------------------------------------------------------------------------

def test_xinfo_groups_consumers_and_full(four):
    raw = four
    raw.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")
    raw.call("XGROUP", "CREATECONSUMER", "s", "g", "c2")
    group = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert group == {b"name": b"g", b"consumers": 2, b"pending": 2, b"last-delivered-id": b"2-0",
                     b"entries-read": 2, b"lag": 2}
    consumers = [info_map(c) for c in raw.call("XINFO", "CONSUMERS", "s", "g")]
    assert [(c[b"name"], c[b"pending"]) for c in consumers] == [(b"c1", 2), (b"c2", 0)]
    assert list(consumers[0]) == [b"name", b"pending", b"idle"] and consumers[0][b"idle"] >= 0
    assert str(raw.call("XINFO", "CONSUMERS", "s", "nog")) == "NOGROUP No such consumer group 'nog' for key name 's'"
    assert str(raw.call("XINFO", "GROUPS", "nokey")) == "ERR no such key"
    full = info_map(raw.call("XINFO", "STREAM", "s", "FULL"))
    assert list(full) == [b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
                          b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id",
                          b"entries", b"groups"]
    fg = info_map(full[b"groups"][0])
    assert list(fg) == [b"name", b"last-delivered-id", b"entries-read", b"lag", b"pel-count", b"pending",
                        b"consumers"]
    assert fg[b"pel-count"] == 2 and [p[0] for p in fg[b"pending"]] == [b"1-0", b"2-0"]
    assert [p[1] for p in fg[b"pending"]] == [b"c1", b"c1"] and fg[b"pending"][0][3] == 1
    fc = [info_map(c) for c in fg[b"consumers"]]
    assert list(fc[0]) == [b"name", b"seen-time", b"pel-count", b"pending"]
    assert fc[0][b"pel-count"] == 2 and [p[0] for p in fc[0][b"pending"]] == [b"1-0", b"2-0"]
    assert len(fc[0][b"pending"][0]) == 3 and fc[1][b"pending"] == []


def test_xinfo_lag_and_entries_read(raw):
    raw.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    assert info_map(raw.call("XINFO", "GROUPS", "s")[0])[b"lag"] == 0
    for i in range(1, 4):
        raw.call("XADD", "s", f"{i}-0", "f", "v")
    raw.call("XGROUP", "SETID", "s", "g", "0")
    group = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert group[b"entries-read"] is None and group[b"lag"] == 3
    raw.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">")
    group = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert group[b"entries-read"] == 1 and group[b"lag"] == 2
    # A deletion after the group's position makes the lag unknown.
    raw.call("XDEL", "s", "2-0")
    assert info_map(raw.call("XINFO", "GROUPS", "s")[0])[b"lag"] is None
    # Reading past the tombstone counts one read per delivered entry (Redis 7.0's estimate).
    raw.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
    group = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert group[b"entries-read"] == 2 and group[b"lag"] == 1
    raw.call("XADD", "s", "4-0", "f", "v")
    raw.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
    group = info_map(raw.call("XINFO", "GROUPS", "s")[0])
    assert group[b"entries-read"] == 3 and group[b"lag"] == 1


def test_resp3_shapes(four):
    raw = four
    raw.call("HELLO", "3")
    raw.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">")
    raw.send_command("XINFO", "GROUPS", "s")
    assert raw.read_frame().startswith(b"*1\r\n%6\r\n$4\r\nname\r\n")
    raw.send_command("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0")
    assert raw.read_frame() == b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n"
    raw.send_command("XINFO", "STREAM", "s")
    assert raw.read_frame().startswith(b"%10\r\n")


# --- blocking -------------------------------------------------------------------------------------------

def test_blocked_xreadgroup_served_by_xadd(r, shared_server):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    with RawConnection(shared_server.port) as c:
        c.send_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
        wait_blocked(r, 1)
        r.xadd("s", {"a": "1"}, id="1-0")
        assert c.read_reply() == [[b"s", [[b"1-0", [b"a", b"1"]]]]]
    assert r.xpending("s", "g")["pending"] == 1


def test_blocked_xreadgroup_consumers_fifo(r, shared_server):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    with RawConnection(shared_server.port) as first, RawConnection(shared_server.port) as second:
        first.send_command("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">")
        wait_blocked(r, 1)
        second.send_command("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">")
        wait_blocked(r, 2)
        r.xadd("s", {"a": "1"}, id="1-0")
        assert first.read_reply() == [[b"s", [[b"1-0", [b"a", b"1"]]]]]
        assert r.info("clients")["blocked_clients"] == 1  # the entry went to c1 only
        r.xadd("s", {"b": "2"}, id="2-0")
        assert second.read_reply() == [[b"s", [[b"2-0", [b"b", b"2"]]]]]


def test_xreadgroup_unblocked_when_group_destroyed(r, shared_server):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    with RawConnection(shared_server.port) as c:
        c.send_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
        wait_blocked(r, 1)
        assert r.xgroup_destroy("s", "g") == 1
        reply = c.read_reply()
        assert isinstance(reply, RespError)
        assert str(reply) == "NOGROUP the consumer group this client was blocked on no longer exists"
    wait_blocked(r, 0)


def test_xreadgroup_unblocked_when_stream_deleted(r, shared_server):
    for action in (lambda: r.delete("s"), lambda: r.set("s", "x"), lambda: r.flushall()):
        r.delete("s")
        r.xgroup_create("s", "g", id="$", mkstream=True)
        with RawConnection(shared_server.port) as c:
            c.send_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
            wait_blocked(r, 1)
            action()
            assert str(c.read_reply()) == "UNBLOCKED the stream key no longer exists"
        wait_blocked(r, 0)


def test_blocked_xreadgroup_times_out(r, shared_server):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    with RawConnection(shared_server.port) as c:
        c.send_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", "s", ">")
        assert c.read_frame() == b"*-1\r\n"


def test_xreadgroup_block_with_history_id_does_not_block(r):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    assert r.xreadgroup("g", "c", {"s": "0"}, block=0) == [[b"s", []]]


# --- notifications ------------------------------------------------------------------------------------

def test_keyspace_events(r):
    def cmd(*args):
        return lambda: r.execute_command(*args)

    assert keyevents(r, cmd("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")) == [("xgroup-create", "s")]
    assert keyevents(r, cmd("XGROUP", "SETID", "s", "g", "0")) == [("xgroup-setid", "s")]
    assert keyevents(r, cmd("XGROUP", "CREATECONSUMER", "s", "g", "c")) == [("xgroup-createconsumer", "s")]
    assert keyevents(r, cmd("XGROUP", "DELCONSUMER", "s", "g", "c")) == [("xgroup-delconsumer", "s")]
    r.xadd("s", {"a": "1"}, id="1-0")
    assert keyevents(r, cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")) == \
        [("xgroup-createconsumer", "s")]
    assert keyevents(r, cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")) == []
    assert keyevents(r, cmd("XCLAIM", "s", "g", "c3", "0", "1-0")) == [("xgroup-createconsumer", "s")]
    assert keyevents(r, cmd("XAUTOCLAIM", "s", "g", "c4", "0", "0")) == [("xgroup-createconsumer", "s")]
    assert keyevents(r, cmd("XACK", "s", "g", "1-0")) == []
    assert keyevents(r, cmd("XGROUP", "DESTROY", "s", "g")) == [("xgroup-destroy", "s")]


def test_command_info_rows(raw):
    xreadgroup = raw.call("COMMAND", "INFO", "xreadgroup")[0]
    assert xreadgroup[1] == -7 and b"write" in xreadgroup[2] and b"movablekeys" in xreadgroup[2]
    assert raw.call("COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">") == [b"a", b"b"]
    create = raw.call("COMMAND", "INFO", "xgroup|create")[0]
    assert create[1] == -5 and create[3:6] == [2, 2, 1]
    assert raw.call("COMMAND", "INFO", "xclaim")[0][1] == -6
