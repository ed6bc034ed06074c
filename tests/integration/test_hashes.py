"""Hash commands: HSET and friends, counters, HRANDFIELD, HSCAN, encodings, RESP3 replies, notifications."""
import time

import pytest
import redis

from support.calls import skip_unless_command

NOT_INTEGER = r"^value is not an integer or out of range$"
NOT_FLOAT = r"^value is not a valid float$"
SYNTAX = r"^syntax error$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
INT64_MAX = 2**63 - 1


def encoding(r, key):
    return r.object("encoding", key)


# --- HSET / HGET / HMGET / HMSET / HSETNX --------------------------------------------------------

def test_hset_counts_new_fields_only(r):
    assert r.hset("h", mapping={"a": "1", "b": "2"}) == 2
    assert r.hset("h", mapping={"a": "x", "c": "3"}) == 1
    assert r.hgetall("h") == {b"a": b"x", b"b": b"2", b"c": b"3"}
    assert r.hget("h", "a") == b"x"
    assert r.hget("h", "missing") is None
    assert r.hget("nokey", "a") is None


def test_hset_odd_pairs_is_arity_error(r):
    for cmd in ("HSET", "HMSET"):
        with pytest.raises(redis.ResponseError, match=rf"^wrong number of arguments for '{cmd.lower()}' command$"):
            r.execute_command(cmd, "h", "a", "1", "b")
        with pytest.raises(redis.ResponseError, match=rf"^wrong number of arguments for '{cmd.lower()}' command$"):
            r.execute_command(cmd, "h", "a")
    assert r.exists("h") == 0


def test_hmset_replies_ok(r):
    assert r.execute_command("HMSET", "h", "a", "1", "b", "2") is True  # redis-py maps +OK to True
    assert r.hmget("h", "a", "nope", "b") == [b"1", None, b"2"]
    assert r.hmget("nokey", "a", "b") == [None, None]


def test_hsetnx(r):
    assert r.hsetnx("h", "f", "1") == 1
    assert r.hsetnx("h", "f", "2") == 0
    assert r.hget("h", "f") == b"1"


def test_binary_safe_fields_and_values(r):
    field, value = b"\x00\r\nf\xff", b"v\x00\r\n\xfe"
    r.hset("h", field, value)
    assert r.hget("h", field) == value
    assert r.hstrlen("h", field) == len(value)
    r.hset("h", b"", b"")
    assert r.hexists("h", b"") == 1
    assert r.hget("h", b"") == b""


# --- HDEL / HLEN / HEXISTS / HSTRLEN / HKEYS / HVALS ----------------------------------------------

def test_hdel_counts_and_removes_empty_key(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert r.hdel("h", "a", "a", "zz") == 1
    assert r.hlen("h") == 2
    assert r.hdel("h", "b", "c") == 2
    assert r.exists("h") == 0
    assert r.hdel("h", "b") == 0


def test_small_reads(r):
    r.hset("h", mapping={"a": "hello", "b": "12345"})
    assert r.hlen("h") == 2
    assert r.hlen("nokey") == 0
    assert r.hexists("h", "a") == 1
    assert r.hexists("h", "z") == 0
    assert r.hexists("nokey", "a") == 0
    assert r.hstrlen("h", "a") == 5
    assert r.hstrlen("h", "b") == 5
    assert r.hstrlen("h", "z") == 0
    assert sorted(r.hkeys("h")) == [b"a", b"b"]
    assert sorted(r.hvals("h")) == [b"12345", b"hello"]
    assert r.hkeys("nokey") == []
    assert r.hvals("nokey") == []
    assert r.hgetall("nokey") == {}


def test_listpack_keeps_insertion_order(r):
    r.hset("h", mapping={"c": "3", "a": "1", "b": "2"})
    assert r.hkeys("h") == [b"c", b"a", b"b"]
    r.hdel("h", "a")
    r.hset("h", "a", "9")
    assert r.hkeys("h") == [b"c", b"b", b"a"]


def test_integer_fields_and_values_read_back_as_sent(r):
    # A listpack hash stores integer texts compactly; every reply must show the bytes sent.
    pairs = {b"1": b"9223372036854775807", b"-1": b"-9223372036854775808", b"0": b"-0",
             b"012": b"+1", b"f": b"123456", b"g": b" 7", b"h": b"007", b"i": b"99999999999999999999"}
    r.hset("h", mapping=pairs)
    assert r.object("encoding", "h") == b"listpack"
    assert r.hgetall("h") == pairs
    assert r.hkeys("h") == list(pairs)
    assert r.hmget("h", ["1", "-1", "0", "012", "12", "01"]) == [
        pairs[b"1"], pairs[b"-1"], pairs[b"0"], pairs[b"012"], None, None]
    assert r.hstrlen("h", "-1") == 20
    assert r.hexists("h", "012") and not r.hexists("h", "12")
    assert r.hscan("h", 0) == (0, pairs)
    assert set(r.hrandfield("h", -30)) <= set(pairs)
    with_values = r.execute_command("HRANDFIELD", "h", "8", "WITHVALUES")
    assert dict(zip(with_values[0::2], with_values[1::2])) == pairs
    assert r.hincrby("h", "f", -123457) == -1
    assert r.hget("h", "f") == b"-1"
    with pytest.raises(redis.ResponseError, match="hash value is not an integer"):
        r.hincrby("h", "g", 1)
    assert r.hincrbyfloat("h", "f", "0.5") == -0.5
    r.rpush("l", "b", "a")
    r.hset("w_a", "n", "2")
    r.hset("w_b", "n", "10")
    assert r.sort("l", by="w_*->n", get="w_*->n") == [b"2", b"10"]


def test_wrongtype(r):
    r.set("s", "x")
    calls = [("HSET", "s", "a", "1"), ("HSETNX", "s", "a", "1"), ("HGET", "s", "a"), ("HMGET", "s", "a"),
             ("HMSET", "s", "a", "1"), ("HGETALL", "s"), ("HDEL", "s", "a"), ("HLEN", "s"),
             ("HEXISTS", "s", "a"), ("HKEYS", "s"), ("HVALS", "s"), ("HINCRBY", "s", "a", "1"),
             ("HINCRBYFLOAT", "s", "a", "1"), ("HSTRLEN", "s", "a"), ("HRANDFIELD", "s"),
             ("HRANDFIELD", "s", "2"), ("HSCAN", "s", "0")]
    for call in calls:
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*call)
    r.hset("h", "a", "1")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.get("h")
    assert r.type("h") == b"hash"
    assert r.get("s") == b"x"


# --- HINCRBY / HINCRBYFLOAT -----------------------------------------------------------------------

def test_hincrby(r):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -7) == -2
    assert r.hget("h", "n") == b"-2"
    r.hset("h", "big", str(INT64_MAX))
    with pytest.raises(redis.ResponseError, match=r"^increment or decrement would overflow$"):
        r.hincrby("h", "big", 1)
    r.hset("h", "s", "abc")
    with pytest.raises(redis.ResponseError, match=r"^hash value is not an integer$"):
        r.hincrby("h", "s", 1)
    r.hset("h", "space", " 1")
    with pytest.raises(redis.ResponseError, match=r"^hash value is not an integer$"):
        r.hincrby("h", "space", 1)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("HINCRBY", "h", "n", "1.5")
    assert r.hget("h", "big") == str(INT64_MAX).encode()


def test_hincrby_error_on_missing_key_creates_nothing(r):
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("HINCRBY", "h", "n", "x")
    with pytest.raises(redis.ResponseError, match=NOT_FLOAT):
        r.execute_command("HINCRBYFLOAT", "h", "n", "x")
    assert r.exists("h") == 0


def test_hincrbyfloat(r, raw):
    assert raw.call("HINCRBYFLOAT", "h", "f", "10.5") == b"10.5"
    assert raw.call("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert raw.call("HINCRBYFLOAT", "h", "f", "-10.6") == b"0"
    assert raw.call("HINCRBYFLOAT", "h", "e", "5.0e3") == b"5000"
    r.hset("h", "i", "3")
    assert raw.call("HINCRBYFLOAT", "h", "i", "1") == b"4"
    assert r.hget("h", "f") == b"0"
    r.hset("h", "s", "abc")
    with pytest.raises(redis.ResponseError, match=r"^hash value is not a float$"):
        r.execute_command("HINCRBYFLOAT", "h", "s", "1")
    for bad in ("inf", "-inf", "+inf"):
        with pytest.raises(redis.ResponseError, match=r"^value is NaN or Infinity$"):
            r.execute_command("HINCRBYFLOAT", "h", "f", bad)
    with pytest.raises(redis.ResponseError, match=NOT_FLOAT):
        r.execute_command("HINCRBYFLOAT", "h", "f", "nan")
    r.hset("h", "max", "1e4932")
    with pytest.raises(redis.ResponseError, match=r"^increment would produce NaN or Infinity$"):
        r.execute_command("HINCRBYFLOAT", "h", "max", "1e4932")


def test_hincrbyfloat_long_result_converts_to_hashtable(r, raw):
    r.hset("h", "a", "1")
    result = raw.call("HINCRBYFLOAT", "h", "a", "1e100")
    assert len(result) > 64
    assert r.hget("h", "a") == result
    assert encoding(r, "h") == b"hashtable"


# --- Encodings ------------------------------------------------------------------------------------

def test_encoding_entries_threshold(r):
    r.hset("h", mapping={f"f{i}": i for i in range(512)})
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "f0", "updated")
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "f512", "x")
    assert encoding(r, "h") == b"hashtable"
    assert r.hlen("h") == 513
    r.hdel("h", *[f"f{i}" for i in range(500)])
    assert encoding(r, "h") == b"hashtable"  # never converts back
    assert r.hget("h", "f512") == b"x"


def test_encoding_value_threshold(r):
    r.hset("h", "f", "x" * 64)
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "g", "x" * 65)
    assert encoding(r, "h") == b"hashtable"
    r.hset("k", "y" * 65, "v")
    assert encoding(r, "k") == b"hashtable"
    r.hset("n", "a", "1")
    r.hincrby("n", "z" * 65, 1)
    assert encoding(r, "n") == b"hashtable"


def test_hsetnx_existing_field_keeps_listpack(r):
    r.hset("h", "a", "1")
    assert r.hsetnx("h", "a", "x" * 100) == 0
    assert encoding(r, "h") == b"listpack"
    assert r.hsetnx("h", "b", "x" * 100) == 1
    assert encoding(r, "h") == b"hashtable"


def test_encoding_after_config_set(r):
    try:
        r.config_set("hash-max-listpack-entries", 4)
        r.config_set("hash-max-listpack-value", 8)
        r.hset("h", mapping={"a": 1, "b": 2, "c": 3, "d": 4})
        assert encoding(r, "h") == b"listpack"
        r.hset("h", "e", 5)
        assert encoding(r, "h") == b"hashtable"
        r.hset("v", "a", "12345678")
        assert encoding(r, "v") == b"listpack"
        r.hset("v", "a", "123456789")
        assert encoding(r, "v") == b"hashtable"
        # The old names are aliases.
        r.config_set("hash-max-ziplist-entries", 0)
        r.hset("z", "a", "1")
        assert encoding(r, "z") == b"hashtable"
    finally:
        r.config_set("hash-max-listpack-entries", 512)
        r.config_set("hash-max-listpack-value", 64)


def test_hashtable_reads_and_copy(r):
    fields = {f"field:{i}": f"value:{i}" for i in range(1000)}
    r.hset("h", mapping=fields)
    assert encoding(r, "h") == b"hashtable"
    assert r.hgetall("h") == {k.encode(): v.encode() for k, v in fields.items()}
    assert r.hlen("h") == 1000
    assert r.copy("h", "h2") is True
    assert encoding(r, "h2") == b"hashtable"
    r.hset("h2", "field:0", "changed")
    assert r.hget("h", "field:0") == b"value:0"
    assert r.hdel("h", *fields.keys()) == 1000
    assert r.exists("h") == 0


# --- HSCAN ----------------------------------------------------------------------------------------

def test_hscan_listpack_returns_everything_at_once(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    cursor, items = r.hscan("h", 0, count=1)
    assert cursor == 0
    assert items == {b"a": b"1", b"b": b"2", b"c": b"3"}
    assert r.hscan("h", 0, match="b") == (0, {b"b": b"2"})
    assert r.hscan("nokey", 0) == (0, {})


def test_hscan_hashtable_is_complete(r):
    fields = {f"f{i}": str(i) for i in range(1000)}
    r.hset("h", mapping=fields)
    seen = {}
    cursor, calls = 0, 0
    while True:
        cursor, items = r.hscan("h", cursor, count=20)
        seen.update(items)
        calls += 1
        if cursor == 0:
            break
        assert calls < 10000
    assert calls > 1
    assert seen == {k.encode(): v.encode() for k, v in fields.items()}


def test_hscan_complete_while_the_table_grows(r):
    r.hset("h", mapping={f"old{i}": "1" for i in range(600)})
    seen, cursor, added = set(), 0, 0
    while True:
        cursor, items = r.hscan("h", cursor, count=50)
        seen.update(items)
        if added < 2000:
            r.hset("h", mapping={f"new{added + i}": "1" for i in range(500)})
            added += 500
        if cursor == 0:
            break
    assert {f"old{i}".encode() for i in range(600)} <= seen


def test_hscan_match_and_errors(r):
    r.hset("h", mapping={f"k{i}": i for i in range(600)} | {"other": "x"})
    found, cursor = {}, 0
    while True:
        cursor, items = r.hscan("h", cursor, match="k1?", count=100)
        found.update(items)
        if cursor == 0:
            break
    assert set(found) == {f"k1{i}".encode() for i in range(10)}
    with pytest.raises(redis.ResponseError, match=r"^invalid cursor$"):
        r.execute_command("HSCAN", "h", "x")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("HSCAN", "h", "0", "COUNT", "0")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("HSCAN", "h", "0", "COUNT", "x")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("HSCAN", "h", "0", "TYPE", "string")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("HSCAN", "h", "0", "MATCH")
    # A missing key answers an empty scan before the options are looked at.
    assert r.hscan("nokey", 0, count=0) == (0, {})


# --- HRANDFIELD -----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [5, 600])
def test_hrandfield(r, size):
    fields = {f"f{i}".encode(): str(i).encode() for i in range(size)}
    r.hset("h", mapping=fields)
    assert r.hrandfield("h") in fields
    picks = r.hrandfield("h", 3)
    assert len(picks) == 3 and len(set(picks)) == 3 and set(picks) <= set(fields)
    everything = r.hrandfield("h", size + 10)
    assert sorted(everything) == sorted(fields)
    repeated = r.hrandfield("h", -(size * 3))
    assert len(repeated) == size * 3 and set(repeated) <= set(fields)
    flat = r.execute_command("HRANDFIELD", "h", "-20", "WITHVALUES")
    assert len(flat) == 40
    for f, v in zip(flat[0::2], flat[1::2]):
        assert fields[f] == v
    half = r.execute_command("HRANDFIELD", "h", str(size // 2), "withvalues")
    pairs = dict(zip(half[0::2], half[1::2]))
    assert len(pairs) == size // 2
    assert all(fields[f] == v for f, v in pairs.items())
    assert r.hrandfield("h", 0) == []
    assert r.execute_command("HRANDFIELD", "h", "0", "WITHVALUES") == []


def test_hrandfield_missing_key_and_errors(r):
    assert r.hrandfield("nokey") is None
    assert r.hrandfield("nokey", 5) == []
    assert r.hrandfield("nokey", -5) == []
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("HRANDFIELD", "nokey", "abc")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("HRANDFIELD", "nokey", "abc", "withvalues", "x")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("HRANDFIELD", "nokey", "1", "withvalue")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("HRANDFIELD", "nokey", "1", "withvalues", "x")
    with pytest.raises(redis.ResponseError,
                       match=r"^value is out of range, value must between -9223372036854775807 and 9223372036854775807$"):
        r.execute_command("HRANDFIELD", "nokey", str(-(2**63)))
    for count in (-(2**62), 2**62):
        with pytest.raises(redis.ResponseError, match=r"^value is out of range$"):
            r.execute_command("HRANDFIELD", "nokey", str(count), "WITHVALUES")
    assert r.execute_command("HRANDFIELD", "nokey", str(2**62 - 1), "WITHVALUES") == []
    assert r.execute_command("HRANDFIELD", "nokey", str(-(2**63 - 1))) == []


# --- RESP3 ----------------------------------------------------------------------------------------

def test_resp3_replies(resp3):
    assert resp3.call("HSET", "h", "f", "v") == 1
    resp3.send_command("HGETALL", "h")
    assert resp3.read_frame() == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    resp3.send_command("HGETALL", "missing")
    assert resp3.read_frame() == b"%0\r\n"
    resp3.send_command("HGET", "h", "nope")
    assert resp3.read_frame() == b"_\r\n"
    resp3.send_command("HRANDFIELD", "h", "2", "WITHVALUES")
    assert resp3.read_frame() == b"*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    resp3.send_command("HRANDFIELD", "h", "-2", "WITHVALUES")
    assert resp3.read_frame() == b"*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    resp3.send_command("HRANDFIELD", "h", "-2")
    assert resp3.read_frame() == b"*2\r\n$1\r\nf\r\n$1\r\nf\r\n"
    resp3.send_command("HSCAN", "h", "0")
    assert resp3.read_frame() == b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    resp3.send_command("HINCRBYFLOAT", "h", "n", "1.5")
    assert resp3.read_frame() == b"$3\r\n1.5\r\n"


def test_resp2_raw_replies(raw):
    raw.send_command("HSET", "h", "f", "v")
    assert raw.read_frame() == b":1\r\n"
    raw.send_command("HGETALL", "h")
    assert raw.read_frame() == b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    raw.send_command("HRANDFIELD", "h", "-1", "WITHVALUES")
    assert raw.read_frame() == b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    raw.send_command("HSCAN", "nokey", "0")
    assert raw.read_frame() == b"*2\r\n$1\r\n0\r\n*0\r\n"


# --- Keyspace notifications, WATCH ----------------------------------------------------------------

def next_messages(pubsub, n, timeout=2.0):
    out, deadline = [], time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        msg = pubsub.get_message(timeout=0.1)
        if msg and msg["type"] == "pmessage":
            out.append((msg["channel"], msg["data"]))
    return out


def test_keyspace_notifications(r):
    skip_unless_command(r, "PUBSUB", "NUMPAT")
    r.config_set("notify-keyspace-events", "KEA")
    pubsub = r.pubsub()
    try:
        pubsub.psubscribe("__keyspace@0__:*")
        assert pubsub.get_message(timeout=2)["type"] == "psubscribe"
        r.hset("h", "a", "1")
        r.hsetnx("h", "a", "2")  # no change: no event
        r.hincrby("h", "n", 1)
        r.execute_command("HINCRBYFLOAT", "h", "x", "1.5")
        r.hdel("h", "zz")  # nothing deleted: no event
        r.hdel("h", "a", "n", "x")
        events = next_messages(pubsub, 5)
        assert events == [(b"__keyspace@0__:h", b"hset"), (b"__keyspace@0__:h", b"hincrby"),
                          (b"__keyspace@0__:h", b"hincrbyfloat"), (b"__keyspace@0__:h", b"hdel"),
                          (b"__keyspace@0__:h", b"del")]
    finally:
        pubsub.close()
        r.config_set("notify-keyspace-events", "")


def test_watch_is_broken_by_hash_writes(r):
    skip_unless_command(r, "UNWATCH")
    r.hset("h", "a", "1")
    for write in (lambda c: c.hset("h", "a", "2"), lambda c: c.hincrby("h", "n", 1), lambda c: c.hdel("h", "a")):
        with r.pipeline() as pipe:
            pipe.watch("h")
            write(r)
            pipe.multi()
            pipe.hget("h", "a")
            with pytest.raises(redis.WatchError):
                pipe.execute()
