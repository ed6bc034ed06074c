"""Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO."""
import random

import pytest
import redis

from support.calls import skip_unless_command
from support.keyevents import keyevents

SYNTAX = r"^syntax error$"
NOT_INTEGER = r"^value is not an integer or out of range$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
BAD_OFFSET = r"^bit offset is not an integer or out of range$"
BAD_BIT = r"^bit is not an integer or out of range$"
BAD_TYPE = (r"^Invalid bitfield type\. Use something like i16 u8\. "
            r"Note that u64 is not supported but i64 is\.$")
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def naive_bits(data: bytes):
    return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]


# --- SETBIT / GETBIT -----------------------------------------------------------------------------

def test_setbit_grows_with_zero_bytes_and_returns_old_bit(r):
    assert r.setbit("k", 7, 1) == 0
    assert r.get("k") == b"\x01"
    assert r.setbit("k", 7, 1) == 1
    assert r.setbit("k", 7, 0) == 1
    assert r.setbit("k", 0, 1) == 0
    assert r.get("k") == b"\x80"
    assert r.setbit("k", 33, 1) == 0
    assert r.get("k") == b"\x80\x00\x00\x00\x40"
    # Clearing a bit past the end still grows the string.
    assert r.setbit("k", 100, 0) == 0
    assert r.strlen("k") == 13


def test_getbit(r):
    r.set("k", b"\x40\x01")
    assert [r.getbit("k", i) for i in range(16)] == naive_bits(b"\x40\x01")
    assert r.getbit("k", 1000) == 0
    assert r.getbit("missing", 0) == 0
    assert r.exists("missing") == 0


def test_setbit_on_integer_value_edits_its_digits(r):
    r.set("k", "1")  # '1' is 0x31
    assert r.object("encoding", "k") == b"int"
    assert r.setbit("k", 6, 1) == 0
    assert r.get("k") == b"3"
    assert r.object("encoding", "k") == b"raw"


def test_setbit_keeps_ttl(r):
    r.set("k", "a", ex=100)
    r.setbit("k", 100, 1)
    assert 99 <= r.ttl("k") <= 100


def test_setbit_getbit_errors(r):
    for offset in ("-1", "x", "1.5", "01", "+1", str(2**32)):
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.execute_command("SETBIT", "k", offset, 1)
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.execute_command("GETBIT", "k", offset)
    for value in ("2", "-1", "x", "01"):
        with pytest.raises(redis.ResponseError, match=BAD_BIT):
            r.execute_command("SETBIT", "k", 0, value)
    assert r.exists("k") == 0


def test_bit_offset_limit_follows_proto_max_bulk_len(r):
    r.config_set("proto-max-bulk-len", "1mb")
    try:
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.setbit("k", 8 * 1024 * 1024, 1)
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.getbit("k", 8 * 1024 * 1024)
        assert r.setbit("k", 8 * 1024 * 1024 - 1, 1) == 0
        assert r.strlen("k") == 1024 * 1024
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.execute_command("BITFIELD", "k", "GET", "u8", "#1048576")
        assert r.execute_command("BITFIELD", "k", "GET", "u8", "#1048575") == [1]
    finally:
        r.config_set("proto-max-bulk-len", "512mb")


# --- BITCOUNT ------------------------------------------------------------------------------------

def test_bitcount_documented_examples(r):
    r.set("mykey", "foobar")
    assert r.bitcount("mykey") == 26
    assert r.bitcount("mykey", 0, 0) == 4
    assert r.bitcount("mykey", 1, 1) == 6
    assert r.execute_command("BITCOUNT", "mykey", 1, 1, "BYTE") == 6
    assert r.execute_command("BITCOUNT", "mykey", 5, 30, "BIT") == 17
    assert r.execute_command("BITCOUNT", "mykey", 5, 30, "bit") == 17


def test_bitcount_ranges(r):
    r.set("k", b"\xff\x0f\xf0")
    assert r.bitcount("k", -1, -1) == 4
    assert r.bitcount("k", -100, 100) == 16
    assert r.bitcount("k", 2, 1) == 0
    assert r.bitcount("k", 3, 10) == 0
    # Two negative indexes in the wrong order count nothing, even though clipping would meet.
    assert r.bitcount("k", -10, -20) == 0
    assert r.bitcount("k", -20, -10) == 8  # both clip to byte 0
    assert r.execute_command("BITCOUNT", "k", -8, -5, "BIT") == 4
    assert r.execute_command("BITCOUNT", "k", -4, -1, "BIT") == 0
    assert r.execute_command("BITCOUNT", "k", 4, 11, "BIT") == 4
    assert r.bitcount("missing") == 0
    r.set("empty", "")
    assert r.bitcount("empty") == 0
    assert r.bitcount("empty", 0, -1) == 0


def test_bitcount_matches_a_naive_count(r):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(40))
    r.set("k", data)
    bits = naive_bits(data)
    for _ in range(60):
        start, end = rng.randrange(-50, 50), rng.randrange(-50, 50)
        if start < 0 and end < 0 and start > end:
            want_bytes = 0
        else:
            s = max(start + 40 if start < 0 else start, 0)
            e = min(max(end + 40 if end < 0 else end, 0), 39)
            want_bytes = sum(bits[s * 8:(e + 1) * 8]) if s <= e else 0
        assert r.bitcount("k", start, end) == want_bytes, (start, end)
        start, end = rng.randrange(-330, 330), rng.randrange(-330, 330)
        if start < 0 and end < 0 and start > end:
            want_bits = 0
        else:
            s = max(start + 320 if start < 0 else start, 0)
            e = min(max(end + 320 if end < 0 else end, 0), 319)
            want_bits = sum(bits[s:e + 1]) if s <= e else 0
        assert r.execute_command("BITCOUNT", "k", start, end, "BIT") == want_bits, (start, end)


def test_bitcount_errors(r):
    r.set("k", "foobar")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("BITCOUNT", "k", 1)
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("BITCOUNT", "k", 0, -1, "bit", "x")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("BITCOUNT", "k", 0, -1, "bits")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("BITCOUNT", "k", "a", 1)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("BITCOUNT", "k", 1, "b")
    # Redis 7.0 looks the key up first: an absent key answers 0 whatever the arguments.
    assert r.execute_command("BITCOUNT", "missing", 1) == 0
    assert r.execute_command("BITCOUNT", "missing", "a", "b") == 0


# --- BITPOS --------------------------------------------------------------------------------------

def test_bitpos_documented_examples(r):
    r.set("mykey", b"\xff\xf0\x00")
    assert r.bitpos("mykey", 0) == 12
    r.set("mykey", b"\x00\xff\xf0")
    assert r.bitpos("mykey", 1, 0) == 8
    assert r.bitpos("mykey", 1, 2) == 16
    assert r.execute_command("BITPOS", "mykey", 1, 2, -1, "BYTE") == 16
    assert r.execute_command("BITPOS", "mykey", 1, 7, 15, "BIT") == 8
    r.set("mykey", b"\x00\x00\x00")
    assert r.bitpos("mykey", 1) == -1
    assert r.execute_command("BITPOS", "mykey", 1, 7, -3, "BIT") == -1


def test_bitpos_clear_bit_past_the_end(r):
    r.set("k", b"\xff\xff\xff")
    # Without an end the string counts as followed by clear bits.
    assert r.bitpos("k", 0) == 24
    assert r.bitpos("k", 0, 1) == 24
    assert r.bitpos("k", 0, 5) == -1  # the range is empty
    # With an explicit end, nothing is found.
    assert r.bitpos("k", 0, 0, -1) == -1
    assert r.execute_command("BITPOS", "k", 0, 0, 23, "BIT") == -1
    assert r.bitpos("k", 1) == 0


def test_bitpos_missing_and_empty(r):
    assert r.bitpos("missing", 0) == 0
    assert r.bitpos("missing", 1) == -1
    # An absent key ignores the rest of the arguments.
    assert r.execute_command("BITPOS", "missing", 1, "a", "b", "c", "d") == -1
    r.set("empty", "")
    assert r.bitpos("empty", 0) == -1
    assert r.bitpos("empty", 1) == -1


def test_bitpos_does_not_shortcut_reversed_negative_range(r):
    # Unlike BITCOUNT, BITPOS clips -20 and -10 both to byte 0 and searches it.
    r.set("k", b"\x0f\x00\x00")
    assert r.bitpos("k", 1, -20, -10) == 4


def test_bitpos_matches_a_naive_search(r):
    rng = random.Random(11)
    data = bytes(rng.choice((0, 0xFF, 0x10, 0xEF)) for _ in range(30))
    r.set("k", data)
    bits = naive_bits(data)
    for _ in range(80):
        bit = rng.randrange(2)
        start, end = rng.randrange(-260, 260), rng.randrange(-260, 260)
        s = max(start + 240 if start < 0 else start, 0)
        e = min(max(end + 240 if end < 0 else end, 0), 239)
        found = [i for i in range(s, e + 1) if bits[i] == bit] if s <= e else []
        want = found[0] if found else -1
        assert r.execute_command("BITPOS", "k", bit, start, end, "BIT") == want, (bit, start, end)


def test_bitpos_errors(r):
    r.set("k", "a")
    with pytest.raises(redis.ResponseError, match=r"^The bit argument must be 1 or 0\.$"):
        r.execute_command("BITPOS", "k", 2)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("BITPOS", "k", "x")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("BITPOS", "k", 1, "a")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("BITPOS", "k", 1, 0, 1, "bytes")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("BITPOS", "k", 1, 0, 1, "bit", "x")


# --- BITOP ---------------------------------------------------------------------------------------

def test_bitop_operations_pad_shorter_sources_with_zeros(r):
    r.set("a", b"\xff\x0f\x01")
    r.set("b", b"\xf0")
    assert r.bitop("AND", "dest", "a", "b") == 3
    assert r.get("dest") == b"\xf0\x00\x00"
    assert r.bitop("or", "dest", "a", "b") == 3
    assert r.get("dest") == b"\xff\x0f\x01"
    assert r.bitop("XOR", "dest", "a", "b") == 3
    assert r.get("dest") == b"\x0f\x0f\x01"
    assert r.bitop("NOT", "dest", "b") == 1
    assert r.get("dest") == b"\x0f"
    assert r.bitop("AND", "dest", "a", "a", "a") == 3
    assert r.get("dest") == b"\xff\x0f\x01"
    # Missing keys are empty strings.
    assert r.bitop("OR", "dest", "a", "missing") == 3
    assert r.get("dest") == b"\xff\x0f\x01"
    assert r.bitop("AND", "dest", "missing", "a") == 3
    assert r.get("dest") == b"\x00\x00\x00"


def test_bitop_destination_can_be_a_source(r):
    r.set("a", b"\x0f")
    assert r.bitop("NOT", "a", "a") == 1
    assert r.get("a") == b"\xf0"


def test_bitop_replaces_destination_and_its_ttl(r):
    r.set("a", b"\x01")
    r.set("dest", "xyz", ex=100)
    assert r.bitop("OR", "dest", "a") == 1
    assert r.ttl("dest") == -1
    assert r.object("encoding", "dest") == b"raw"


def test_bitop_empty_result_deletes_destination(r):
    r.set("dest", "old")
    r.set("empty", "")
    assert r.bitop("AND", "dest", "missing", "empty") == 0
    assert r.exists("dest") == 0
    assert r.bitop("NOT", "dest", "missing") == 0
    assert r.exists("dest") == 0


def test_bitop_errors(r):
    r.set("a", "x")
    with pytest.raises(redis.ResponseError, match=r"^BITOP NOT must be called with a single source key\.$"):
        r.bitop("NOT", "dest", "a", "a")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.bitop("NAND", "dest", "a")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'bitop' command$"):
        r.execute_command("BITOP", "AND", "dest")


# --- BITFIELD ------------------------------------------------------------------------------------

def test_bitfield_documented_examples(r):
    assert r.execute_command("BITFIELD", "mykey", "INCRBY", "i5", 100, 1, "GET", "u4", 0) == [1, 0]
    replies = [r.execute_command("BITFIELD", "mykey2", "incrby", "u2", 100, 1, "OVERFLOW", "SAT",
                                 "incrby", "u2", 102, 1) for _ in range(4)]
    assert replies == [[1, 1], [2, 2], [3, 3], [0, 3]]
    assert r.execute_command("BITFIELD", "mykey3", "OVERFLOW", "FAIL", "incrby", "u2", 102, 4) == [None]


def test_bitfield_set_get_layout(r):
    assert r.execute_command("BITFIELD", "k", "SET", "u8", 0, 255, "SET", "u8", 8, 1) == [0, 0]
    assert r.get("k") == b"\xff\x01"
    assert r.execute_command("BITFIELD", "k", "GET", "u4", 4, "GET", "i8", 0, "GET", "u16", 0,
                             "GET", "u8", 100) == [15, -1, 0xFF01, 0]
    # Unaligned field across a byte boundary.
    assert r.execute_command("BITFIELD", "k", "SET", "u5", 6, 0b10101) == [0b11000]
    assert r.get("k") == b"\xfe\xa1"


def test_bitfield_positional_offsets(r):
    assert r.execute_command("BITFIELD", "k", "SET", "u8", "#0", 1, "SET", "u8", "#2", 3) == [0, 0]
    assert r.get("k") == b"\x01\x00\x03"
    assert r.execute_command("BITFIELD", "k", "GET", "u8", "#2", "GET", "i4", "#1") == [3, 1]
    for bad in ("#", "#-1", "##1", "#1 ", "-1"):
        with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
            r.execute_command("BITFIELD", "k", "GET", "u8", bad)


def test_bitfield_signed_edges(r):
    cmd = lambda *a: r.execute_command("BITFIELD", "k", *a)  # noqa: E731
    assert cmd("SET", "i64", 0, INT64_MAX) == [0]
    assert cmd("INCRBY", "i64", 0, 1) == [INT64_MIN]
    assert cmd("OVERFLOW", "SAT", "INCRBY", "i64", 0, -1) == [INT64_MIN]
    assert cmd("OVERFLOW", "FAIL", "INCRBY", "i64", 0, -1) == [None]
    assert cmd("GET", "i64", 0) == [INT64_MIN]
    assert cmd("OVERFLOW", "WRAP", "INCRBY", "i64", 0, INT64_MIN) == [0]
    assert cmd("SET", "i8", 0, 200) == [0]  # wraps to -56
    assert cmd("GET", "i8", 0, "GET", "u8", 0) == [-56, 200]
    assert cmd("OVERFLOW", "SAT", "SET", "i8", 0, 200, "SET", "i8", 0, -200) == [-56, 127]
    assert cmd("GET", "i8", 0) == [-128]
    assert cmd("SET", "i1", 0, 1, "GET", "i1", 0) == [-1, -1]


def test_bitfield_unsigned_edges(r):
    cmd = lambda *a: r.execute_command("BITFIELD", "k", *a)  # noqa: E731
    assert cmd("SET", "u63", 0, INT64_MAX) == [0]
    assert cmd("GET", "u63", 0, "GET", "i64", 0) == [INT64_MAX, -2]
    assert cmd("INCRBY", "u63", 0, 1) == [0]
    assert cmd("OVERFLOW", "SAT", "INCRBY", "u63", 0, -1, "INCRBY", "u63", 0, INT64_MAX) == [0, INT64_MAX]
    r.delete("k")
    assert cmd("SET", "u8", 0, -1) == [0]  # -1 as unsigned wraps to 255
    assert cmd("GET", "u8", 0) == [255]
    assert cmd("OVERFLOW", "SAT", "SET", "u8", 0, -1, "INCRBY", "u8", 0, -300) == [255, 0]
    assert cmd("OVERFLOW", "FAIL", "INCRBY", "u8", 0, -1, "SET", "u8", 0, 256) == [None, None]
    assert cmd("INCRBY", "u8", 0, -1) == [255]


def test_bitfield_fail_still_creates_the_key(r):
    # Redis grows the string before running the operations, even when all of them fail.
    assert r.execute_command("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 20, 10) == [None]
    assert r.get("k") == b"\x00\x00\x00"


def test_bitfield_no_operations(r):
    assert r.execute_command("BITFIELD", "k") == []
    assert r.execute_command("BITFIELD_RO", "k") == []
    assert r.exists("k") == 0


def test_bitfield_errors(r):
    for bad in ("u64", "i65", "i0", "u0", "x8", "i", "I8", "i08", "i+8", "u-1"):
        with pytest.raises(redis.ResponseError, match=BAD_TYPE):
            r.execute_command("BITFIELD", "k", "GET", bad, 0)
    with pytest.raises(redis.ResponseError, match=r"^Invalid OVERFLOW type specified$"):
        r.execute_command("BITFIELD", "k", "OVERFLOW", "foo", "GET", "u8", 0)
    for args in (("GET", "u8"), ("SET", "u8", 0), ("FOO",), ("INCRBY", "u8", 0), ("OVERFLOW",)):
        with pytest.raises(redis.ResponseError, match=SYNTAX):
            r.execute_command("BITFIELD", "k", *args)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("BITFIELD", "k", "SET", "u8", 0, "x")
    # Every operation is checked before any runs.
    with pytest.raises(redis.ResponseError, match=BAD_TYPE):
        r.execute_command("BITFIELD", "k", "SET", "u8", 0, 1, "GET", "u99", 0)
    assert r.exists("k") == 0


def test_bitfield_ro(r):
    r.set("k", b"\x80")
    assert r.execute_command("BITFIELD_RO", "k", "GET", "i8", 0, "OVERFLOW", "SAT",
                             "GET", "u1", 0) == [-128, 1]
    assert r.execute_command("BITFIELD_RO", "missing", "GET", "u8", 0) == [0]
    for args in (("SET", "u8", 0, 1), ("INCRBY", "u8", 0, 1)):
        with pytest.raises(redis.ResponseError, match=r"^BITFIELD_RO only supports the GET subcommand$"):
            r.execute_command("BITFIELD_RO", "k", *args)
    assert r.get("k") == b"\x80"


def test_bitfield_fail_reply_is_null_in_both_protocols(raw):
    raw.send_command("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 9, "GET", "u2", 0)
    assert raw.read_frame() == b"*2\r\n$-1\r\n:0\r\n"
    raw.call("HELLO", "3")
    raw.send_command("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 9)
    assert raw.read_frame() == b"*1\r\n_\r\n"


# --- Wrong types ---------------------------------------------------------------------------------

def test_wrongtype(r, list_key):
    r.set("a", "x")
    for args in (("SETBIT", list_key, 0, 1), ("GETBIT", list_key, 0), ("BITCOUNT", list_key),
                 ("BITCOUNT", list_key, "x"), ("BITPOS", list_key, 1),
                 ("BITOP", "AND", "dest", "a", list_key), ("BITFIELD", list_key, "GET", "u8", 0),
                 ("BITFIELD", list_key, "SET", "u8", 0, 1), ("BITFIELD_RO", list_key, "GET", "u8", 0)):
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*args)
    assert r.exists("dest") == 0
    # Argument errors come first.
    with pytest.raises(redis.ResponseError, match=BAD_OFFSET):
        r.execute_command("SETBIT", list_key, "x", 1)
    with pytest.raises(redis.ResponseError, match=r"^The bit argument must be 1 or 0\.$"):
        r.execute_command("BITPOS", list_key, 3)
    with pytest.raises(redis.ResponseError, match=r"^BITFIELD_RO only supports the GET subcommand$"):
        r.execute_command("BITFIELD_RO", list_key, "SET", "u8", 0, 1)
    # A destination of another type is replaced.
    assert r.bitop("OR", list_key, "a") == 1
    assert r.get(list_key) == b"x"


# --- Command table and notifications --------------------------------------------------------------

def test_command_info(raw):
    info = raw.call("COMMAND", "INFO", "setbit", "bitop", "bitfield_ro", "bitcount")
    setbit, bitop, bitfield_ro, bitcount = info
    assert setbit[:6] == [b"setbit", 4, [b"write", b"denyoom"], 1, 1, 1]
    assert bitop[1] == -4 and bitop[3:6] == [2, -1, 1]
    assert sorted(bitfield_ro[2]) == [b"fast", b"readonly"]
    assert sorted(bitcount[6]) == [b"@bitmap", b"@read", b"@slow"]


def test_writes_break_watch(r):
    skip_unless_command(r, "WATCH", "k")
    r.execute_command("UNWATCH")
    r.set("k", b"\x00")
    for write in (("SETBIT", "k", 1, 1), ("BITFIELD", "k", "SET", "u8", 0, 7),
                  ("BITOP", "NOT", "k", "k")):
        with r.pipeline(transaction=True) as pipe:
            pipe.watch("k")
            r.execute_command(*write)
            pipe.multi()
            pipe.get("k")
            with pytest.raises(redis.WatchError):
                pipe.execute()


def test_keyspace_notifications(r):
    def action():
        r.setbit("k", 3, 1)
        r.setbit("k", 3, 1)  # no change: no event
        r.execute_command("BITFIELD", "k", "SET", "u4", 0, 1)  # 0001 already: no event
        r.execute_command("BITFIELD", "k", "INCRBY", "u4", 0, 1)
        r.bitop("NOT", "dest", "k")
        r.bitop("AND", "dest", "missing")
        r.bitop("AND", "dest", "missing")  # nothing to delete: no event
    assert keyevents(r, action) == [("setbit", "k"), ("setbit", "k"), ("set", "dest"), ("del", "dest")]
