"""Stream commands without groups: XADD (IDs, NOMKSTREAM, trimming), XRANGE/XREVRANGE, XLEN, XDEL,
XTRIM, XSETID, XINFO STREAM, XREAD (also blocking), RESP3 shapes and keyspace notifications."""
import time

import pytest
import redis

from support.keyevents import keyevents
from support.resp_socket import RawConnection, RespError
from support.waits import wait_blocked

SYNTAX = r"^syntax error$"
NOT_INTEGER = r"^value is not an integer or out of range$"
INVALID_ID = r"^Invalid stream ID specified as stream command argument$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
U64 = 2**64 - 1


def ids(entries):
    return [entry[0] for entry in entries]


# --- XADD -----------------------------------------------------------------------------------------

def test_xadd_explicit_and_auto_ids(r):
    assert r.xadd("s", {"a": "1"}, id="1-1") == b"1-1"
    assert r.xadd("s", {"b": "2"}, id="1-*") == b"1-2"
    assert r.xadd("s", {"c": "3"}, id="5-*") == b"5-0"
    assert r.xadd("s", {"d": "4"}, id="7") == b"7-0"
    auto = r.xadd("s", {"e": "5"})
    ms, seq = map(int, auto.split(b"-"))
    assert ms >= int(time.time() * 1000) - 60_000 and seq >= 0
    assert r.xlen("s") == 5
    assert r.xrange("s", "-", "+", count=2) == [(b"1-1", {b"a": b"1"}), (b"1-2", {b"b": b"2"})]


def test_xadd_id_errors(r):
    r.xadd("s", {"a": "1"}, id="5-5")
    for bad in ("5-5", "5-4", "4-*"):
        with pytest.raises(redis.ResponseError,
                           match=r"^The ID specified in XADD is equal or smaller than the target stream top item$"):
            r.xadd("s", {"a": "1"}, id=bad)
    with pytest.raises(redis.ResponseError, match=r"^The ID specified in XADD must be greater than 0-0$"):
        r.xadd("z", {"a": "1"}, id="0-0")
    for bad in ("abc", "1-x", "-1", "1-"):
        with pytest.raises(redis.ResponseError, match=INVALID_ID):
            r.xadd("s", {"a": "1"}, id=bad)
    assert r.exists("z") == 0
    assert r.xlen("s") == 1


def test_xadd_exhausted_id_space(r):
    assert r.xadd("s", {"a": "1"}, id=f"{U64}-{U64}") == f"{U64}-{U64}".encode()
    for nxt in ("*", f"{U64}-*"):
        with pytest.raises(redis.ResponseError,
                           match=r"^The stream has exhausted the last possible ID, unable to add more items$"):
            r.xadd("s", {"a": "1"}, id=nxt)


def test_xadd_arity_and_syntax(raw):
    assert str(raw.call("XADD", "s", "*", "a")) == "ERR wrong number of arguments for 'xadd' command"
    assert str(raw.call("XADD", "s", "NOMKSTREAM")) == "ERR wrong number of arguments for 'xadd' command"
    assert str(raw.call("XADD", "s", "MAXLEN", "=", "2", "LIMIT", "5", "*", "a", "1")) == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    assert str(raw.call("XADD", "s", "MAXLEN", "-1", "*", "a", "1")) == "ERR The MAXLEN argument must be >= 0."
    assert str(raw.call("XADD", "s", "MINID", "~", "abc", "*", "a", "1")) == \
        "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XADD", "s", "LIMIT", "-1", "*", "a", "1")) == "ERR The LIMIT argument must be >= 0."
    assert str(raw.call("XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "1")) == \
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
    assert raw.call("EXISTS", "s") == 0


def test_xadd_nomkstream(r):
    assert r.xadd("nos", {"a": "1"}, nomkstream=True) is None
    assert r.exists("nos") == 0
    r.xadd("s", {"a": "1"}, id="1-0")
    assert r.xadd("s", {"a": "2"}, id="2-0", nomkstream=True) == b"2-0"


def test_xadd_maxlen_exact_and_minid(r):
    for i in range(1, 11):
        r.xadd("s", {"i": str(i)}, id=f"{i}-0", maxlen=5, approximate=False)
    assert r.xlen("s") == 5
    assert ids(r.xrange("s")) == [b"6-0", b"7-0", b"8-0", b"9-0", b"10-0"]
    r.xadd("s", {"i": "11"}, id="11-0", minid="9", approximate=False)
    assert ids(r.xrange("s")) == [b"9-0", b"10-0", b"11-0"]


def test_xadd_approximate_trim_keeps_at_least_maxlen(r):
    r.config_set("stream-node-max-entries", 10)
    try:
        for i in range(1, 101):
            r.xadd("s", {"i": str(i)}, id=f"{i}-0")
        r.xadd("s", {"i": "101"}, id="101-0", maxlen=55, approximate=True)
        length = r.xlen("s")
        # Whole nodes only: at least 55 stay, fewer than 55 + one node's worth.
        assert 55 <= length < 55 + 10
        assert r.xrange("s", count=1)[0][0] == f"{102 - length}-0".encode()
        # LIMIT 0 with ~ means "no limit"; a small limit removes at most that many entries.
        before = r.xlen("s")
        assert r.execute_command("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "10") <= 10
        assert before - r.xlen("s") <= 10
    finally:
        r.config_set("stream-node-max-entries", 100)


def test_xadd_wrongtype(r):
    r.set("str", "x")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.xadd("str", {"a": "1"})
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.xrange("str")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.xlen("str")


def test_type_and_encoding(r):
    r.xadd("s", {"a": "1"})
    assert r.type("s") == b"stream"
    assert r.object("encoding", "s") == b"stream"


# --- XRANGE / XREVRANGE ---------------------------------------------------------------------------

@pytest.fixture
def three(r):
    r.xadd("s", {"a": "1"}, id="1-1")
    r.xadd("s", {"b": "2"}, id="2-1")
    r.xadd("s", {"c": "3"}, id="3-1")
    return "s"


def test_xrange_bounds_and_partial_ids(r, three):
    assert ids(r.xrange("s", "-", "+")) == [b"1-1", b"2-1", b"3-1"]
    assert ids(r.xrange("s", "2", "3")) == [b"2-1", b"3-1"]
    assert ids(r.xrange("s", "2-1", "2-1")) == [b"2-1"]
    assert ids(r.xrange("s", "3", "1")) == []
    assert ids(r.xrange("s", f"1-{U64}", "+")) == [b"2-1", b"3-1"]
    assert ids(r.xrevrange("s", "+", "-")) == [b"3-1", b"2-1", b"1-1"]
    assert ids(r.xrevrange("s", "2", "-")) == [b"2-1", b"1-1"]
    assert ids(r.xrevrange("s", "+", "-", count=1)) == [b"3-1"]
    assert r.xrange("nokey") == []


def test_xrange_exclusive(r, three):
    assert ids(r.xrange("s", "(1-1", "(3-1")) == [b"2-1"]
    assert ids(r.xrange("s", "(1", "+")) == [b"1-1", b"2-1", b"3-1"]  # (1 means after 1-0
    assert ids(r.xrevrange("s", "(3-1", "(1-1")) == [b"2-1"]
    assert ids(r.xrange("s", f"(1-{U64}", "+")) == [b"2-1", b"3-1"]
    assert ids(r.xrange("s", "-", "(0")) == []


def test_xrange_errors(raw, three):
    assert str(raw.call("XRANGE", "s", "(-", "+")) == "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XRANGE", "s", "-", "(+")) == "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XRANGE", "s", f"({U64}-{U64}", "+")) == "ERR invalid start ID for the interval"
    assert str(raw.call("XRANGE", "s", "-", "(0-0")) == "ERR invalid end ID for the interval"
    assert str(raw.call("XREVRANGE", "s", "+", f"({U64}-{U64}")) == "ERR invalid start ID for the interval"
    assert str(raw.call("XREVRANGE", "s", "(0-0", "-")) == "ERR invalid end ID for the interval"
    assert str(raw.call("XRANGE", "s", "abc", "+")) == "ERR Invalid stream ID specified as stream command argument"
    assert str(raw.call("XRANGE", "s", "-", "+", "COUNT", "x")) == "ERR value is not an integer or out of range"
    assert str(raw.call("XRANGE", "s", "-", "+", "COUNT")) == "ERR syntax error"
    assert str(raw.call("XRANGE", "s", "-", "+", "FOO", "1")) == "ERR syntax error"


def test_xrange_count_zero_or_negative_is_null(raw, three):
    raw.send_command("XRANGE", "s", "-", "+", "COUNT", "0")
    assert raw.read_frame() == b"*-1\r\n"
    raw.send_command("XRANGE", "s", "-", "+", "COUNT", "-1")
    assert raw.read_frame() == b"*-1\r\n"
    assert raw.call("XRANGE", "s", "-", "+", "COUNT", "2") == \
        [[b"1-1", [b"a", b"1"]], [b"2-1", [b"b", b"2"]]]


# --- XLEN / XDEL / XTRIM ----------------------------------------------------------------------------

def test_xdel(r, three):
    assert r.xdel("s", "9-9", "1-1", "1-1") == 1
    assert r.xlen("s") == 2
    assert r.xdel("nokey", "1-1") == 0
    with pytest.raises(redis.ResponseError, match=INVALID_ID):
        r.xdel("s", "bad")
    assert r.xdel("s", "2-1", "3-1") == 2
    # Streams stay when emptied.
    assert r.exists("s") == 1 and r.xlen("s") == 0
    assert r.xlen("nokey") == 0


def test_xtrim(r, three, raw):
    assert r.xtrim("s", maxlen=5, approximate=False) == 0
    assert r.xtrim("s", maxlen=2, approximate=False) == 1
    assert ids(r.xrange("s")) == [b"2-1", b"3-1"]
    assert r.xtrim("s", minid="3", approximate=False) == 1
    assert r.xtrim("nokey", maxlen=0) == 0
    assert r.xtrim("s", maxlen=0, approximate=False) == 1
    assert r.exists("s") == 1
    assert str(raw.call("XTRIM", "s", "MAXLEN")) == "ERR wrong number of arguments for 'xtrim' command"
    assert str(raw.call("XTRIM", "s", "FOO", "1")) == "ERR syntax error"
    assert str(raw.call("XTRIM", "s", "MAXLEN", "1", "LIMIT", "1")) == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    assert str(raw.call("XTRIM", "s", "MAXLEN", "1", "MINID", "1")) == \
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
    assert raw.call("XTRIM", "s", "MINID", "~", "1", "LIMIT", "1") == 0


# --- XSETID / XINFO STREAM ------------------------------------------------------------------------

def info_map(reply):
    return dict(zip(reply[::2], reply[1::2]))


def test_xsetid_and_xinfo_stream(raw, three):
    assert str(raw.call("XSETID", "s", "1-0")) == "ERR The ID specified in XSETID is smaller than the target stream top item"
    assert str(raw.call("XSETID", "nokey", "5-0")) == "ERR no such key"
    assert str(raw.call("XSETID", "s", "6-0", "ENTRIESADDED", "1")) == \
        "ERR The entries_added specified in XSETID is smaller than the target stream length"
    assert str(raw.call("XSETID", "s", "6-0", "ENTRIESADDED", "-1")) == "ERR entries_added must be positive"
    assert str(raw.call("XSETID", "s", "6-0", "MAXDELETEDID", "7-0")) == \
        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
    assert str(raw.call("XSETID", "s", "6-0", "FOO")) == "ERR syntax error"
    assert str(raw.call("XSETID", "s", "6-0", "ENTRIESADDED")) == "ERR syntax error"
    assert raw.call("XSETID", "s", "6-0", "ENTRIESADDED", "10", "MAXDELETEDID", "1-5") == b"OK"
    info = info_map(raw.call("XINFO", "STREAM", "s"))
    assert info[b"length"] == 3
    assert info[b"last-generated-id"] == b"6-0"
    assert info[b"max-deleted-entry-id"] == b"1-5"
    assert info[b"entries-added"] == 10
    assert info[b"recorded-first-entry-id"] == b"1-1"
    assert info[b"groups"] == 0
    assert info[b"first-entry"] == [b"1-1", [b"a", b"1"]]
    assert info[b"last-entry"] == [b"3-1", [b"c", b"3"]]
    assert info[b"radix-tree-keys"] >= 1 and info[b"radix-tree-nodes"] >= 1
    assert list(info) == [b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
                          b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id",
                          b"groups", b"first-entry", b"last-entry"]
    assert raw.call("XADD", "s", "*", "d", "4").startswith(b"1")  # after 6-0: time based


def test_xinfo_stream_empty_and_errors(raw):
    raw.call("XADD", "e", "1-1", "a", "1")
    raw.call("XDEL", "e", "1-1")
    assert raw.call("XSETID", "e", "0-5") == b"OK"
    info = info_map(raw.call("XINFO", "STREAM", "e"))
    assert info[b"length"] == 0
    assert info[b"last-generated-id"] == b"0-5"
    assert info[b"max-deleted-entry-id"] == b"1-1"
    assert info[b"entries-added"] == 1
    assert info[b"recorded-first-entry-id"] == b"0-0"
    assert info[b"first-entry"] is None and info[b"last-entry"] is None
    assert str(raw.call("XINFO", "STREAM", "nokey")) == "ERR no such key"
    assert str(raw.call("XINFO", "STREAM", "e", "FOO")) == \
        "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."
    assert str(raw.call("XINFO", "STREAM", "e", "FULL", "COUNT", "x")) == "ERR value is not an integer or out of range"
    assert raw.call("XINFO", "HELP")[0] == b"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


def test_xinfo_stream_full_count(raw):
    for i in range(1, 16):
        raw.call("XADD", "s", f"{i}-0", "f", str(i))
    full = info_map(raw.call("XINFO", "STREAM", "s", "FULL"))
    assert len(full[b"entries"]) == 10  # default COUNT
    assert full[b"groups"] == []
    assert len(info_map(raw.call("XINFO", "STREAM", "s", "FULL", "COUNT", "0"))[b"entries"]) == 15
    assert info_map(raw.call("XINFO", "STREAM", "s", "FULL", "COUNT", "2"))[b"entries"] == \
        [[b"1-0", [b"f", b"1"]], [b"2-0", [b"f", b"2"]]]


# --- XREAD ------------------------------------------------------------------------------------------

def test_xread_reads_after_ids(r, three):
    assert r.xread({"s": "0"}) == [[b"s", [(b"1-1", {b"a": b"1"}), (b"2-1", {b"b": b"2"}),
                                           (b"3-1", {b"c": b"3"})]]]
    assert r.xread({"s": "2-1"}, count=5) == [[b"s", [(b"3-1", {b"c": b"3"})]]]
    assert r.xread({"s": "0", "nokey": "0"}, count=1) == [[b"s", [(b"1-1", {b"a": b"1"})]]]
    assert r.xread({"s": "3-1"}) == []
    assert r.xread({"s": "$"}) == []


def test_xread_errors(raw, three):
    assert str(raw.call("XREAD", "STREAMS", "s")) == "ERR wrong number of arguments for 'xread' command"
    assert str(raw.call("XREAD", "STREAMS", "s", "t", "0")) == \
        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
    assert str(raw.call("XREAD", "STREAMS", "s", ">")) == \
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
    assert str(raw.call("XREAD", "COUNT", "x", "STREAMS", "s", "0")) == "ERR value is not an integer or out of range"
    assert str(raw.call("XREAD", "BLOCK", "-1", "STREAMS", "s", "0")) == "ERR timeout is negative"
    assert str(raw.call("XREAD", "BLOCK", "x", "STREAMS", "s", "0")) == "ERR timeout is not an integer or out of range"
    assert str(raw.call("XREAD", "FOO", "STREAMS", "s", "0")) == "ERR syntax error"
    assert str(raw.call("XREAD", "NOACK", "STREAMS", "s", "0")) == \
        "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
    assert str(raw.call("XREAD", "STREAMS", "s", "bad")) == "ERR Invalid stream ID specified as stream command argument"
    raw.call("SET", "str", "x")
    assert str(raw.call("XREAD", "STREAMS", "str", "0")).startswith("WRONGTYPE")


def test_xread_null_reply_shapes(raw, three):
    raw.send_command("XREAD", "STREAMS", "s", "$")
    assert raw.read_frame() == b"*-1\r\n"
    raw.send_command("XREAD", "COUNT", "0", "STREAMS", "s", "3-1")
    assert raw.read_frame() == b"*-1\r\n"
    raw.send_command("XREAD", "BLOCK", "10", "STREAMS", "s", "$")
    assert raw.read_frame() == b"*-1\r\n"
    raw.call("HELLO", "3")
    raw.send_command("XREAD", "BLOCK", "10", "STREAMS", "s", "$")
    assert raw.read_frame() == b"_\r\n"
    raw.send_command("XREAD", "COUNT", "1", "STREAMS", "s", "0")
    assert raw.read_frame() == b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"


def test_blocking_xread_woken_by_xadd_from_another_client(r, shared_server):
    r.xadd("s", {"old": "1"}, id="1-0")
    with RawConnection(shared_server.port) as c:
        c.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        wait_blocked(r, 1)
        r.xadd("other", {"x": "1"})  # another key does not wake it
        r.xadd("s", {"new": "2"}, id="2-0")
        assert c.read_reply() == [[b"s", [[b"2-0", [b"new", b"2"]]]]]
    wait_blocked(r, 0)


def test_blocking_xread_on_missing_key(r, shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("XREAD", "BLOCK", "5000", "STREAMS", "nokey", "$")
        wait_blocked(r, 1)
        r.xadd("nokey", {"a": "1"}, id="1-0")
        assert c.read_reply() == [[b"nokey", [[b"1-0", [b"a", b"1"]]]]]


def test_blocked_xread_ignores_writes_that_add_nothing_new(r, shared_server):
    r.xadd("s", {"a": "1"}, id="5-0")
    with RawConnection(shared_server.port) as c:
        c.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        wait_blocked(r, 1)
        r.xdel("s", "5-0")
        r.xtrim("s", maxlen=0)
        r.delete("s")
        r.set("s", "now a string")
        r.delete("s")
        r.xadd("s", {"b": "2"}, id="1-0")  # older than the $ seen at blocking time: 5-0
        assert r.info("clients")["blocked_clients"] == 1
        r.xadd("s", {"c": "3"}, id="6-0")
        assert c.read_reply() == [[b"s", [[b"6-0", [b"c", b"3"]]]]]


def test_two_blocked_readers_fifo(r, shared_server):
    with RawConnection(shared_server.port) as first, RawConnection(shared_server.port) as second:
        first.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        wait_blocked(r, 1)
        second.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        wait_blocked(r, 2)
        r.xadd("s", {"a": "1"}, id="1-0")
        # Both are served with the same entry (XREAD does not consume), first the earlier one.
        assert first.read_reply() == [[b"s", [[b"1-0", [b"a", b"1"]]]]]
        assert second.read_reply() == [[b"s", [[b"1-0", [b"a", b"1"]]]]]
    wait_blocked(r, 0)


def test_blocking_xread_times_out(r):
    start = time.monotonic()
    assert r.xread({"s": "$"}, block=150) in (None, [])
    assert 0.1 <= time.monotonic() - start < 3


def test_xread_block_inside_multi_does_not_block(raw):
    raw.call("MULTI")
    raw.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    raw.send_command("EXEC")
    assert raw.read_frame() == b"*1\r\n*-1\r\n"


# --- notifications ------------------------------------------------------------------------------------

def test_keyspace_events(r):
    assert keyevents(r, lambda: r.xadd("s", {"a": "1"}, id="1-0")) == [("xadd", "s")]
    assert keyevents(r, lambda: r.xadd("s", {"a": "1"}, id="2-0", maxlen=1, approximate=False)) == \
        [("xadd", "s"), ("xtrim", "s")]
    assert keyevents(r, lambda: r.xadd("s", {"a": "1"}, id="3-0", maxlen=5, approximate=False)) == \
        [("xadd", "s")]
    assert keyevents(r, lambda: r.xadd("nos", {"a": "1"}, nomkstream=True)) == []
    assert keyevents(r, lambda: r.xdel("s", "3-0", "9-0")) == [("xdel", "s")]
    assert keyevents(r, lambda: r.xdel("s", "9-0")) == []
    assert keyevents(r, lambda: r.xtrim("s", maxlen=0, approximate=False)) == [("xtrim", "s")]
    assert keyevents(r, lambda: r.xtrim("s", maxlen=0, approximate=False)) == []
    assert keyevents(r, lambda: r.execute_command("XSETID", "s", "10-0")) == [("xsetid", "s")]


def test_command_info_rows(raw):
    rows = {name: raw.call("COMMAND", "INFO", name)[0] for name in
            ("xadd", "xrange", "xread", "xlen", "xdel", "xtrim", "xsetid")}
    assert rows["xadd"][1] == -5 and rows["xadd"][3:6] == [1, 1, 1]
    assert rows["xread"][1] == -4 and rows["xread"][3:6] == [0, 0, 0]
    assert b"movablekeys" in rows["xread"][2] and b"blocking" in rows["xread"][2]
    assert rows["xsetid"][1] == -3
    assert raw.call("COMMAND", "GETKEYS", "XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0") == [b"a", b"b"]
