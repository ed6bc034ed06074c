"""String commands: GET/SET and its options, the SET variants, counters, ranges, LCS, big and binary values."""
import time

import pytest
import redis


NOT_INTEGER = r"^value is not an integer or out of range$"
NOT_FLOAT = r"^value is not a valid float$"
OVERFLOW = r"^increment or decrement would overflow$"
SYNTAX = r"^syntax error$"
TOO_BIG = r"^string exceeds maximum allowed size \(proto-max-bulk-len\)$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def invalid_expire(command):
    return rf"^invalid expire time in '{command}' command$"


# --- GET / SET -----------------------------------------------------------------------------------

def test_get_set_basic(r):
    assert r.get("k") is None
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.set("k", "") is True
    assert r.get("k") == b""
    assert r.exists("k") == 1


def test_get_set_raw_replies(raw):
    raw.send_command("SET", "k", "hello")
    assert raw.read_frame() == b"+OK\r\n"
    raw.send_command("GET", "k")
    assert raw.read_frame() == b"$5\r\nhello\r\n"
    raw.send_command("GET", "missing")
    assert raw.read_frame() == b"$-1\r\n"


def test_set_overwrites_and_clears_ttl(r):
    r.set("k", "v", ex=100)
    assert r.ttl("k") == 100
    r.set("k", "w")
    assert r.get("k") == b"w"
    assert r.ttl("k") == -1


def test_set_ex_px(r):
    r.set("ex", "v", ex=100)
    assert 99 <= r.ttl("ex") <= 100
    r.set("px", "v", px=100000)
    assert 99000 <= r.pttl("px") <= 100000


def test_set_exat_pxat(r):
    now = time.time()
    r.execute_command("SET", "exat", "v", "EXAT", int(now) + 100)
    assert 98 <= r.ttl("exat") <= 100
    assert r.expiretime("exat") == int(now) + 100
    r.execute_command("SET", "pxat", "v", "PXAT", int(now * 1000) + 100000)
    assert r.pexpiretime("pxat") == int(now * 1000) + 100000


def test_set_exat_in_the_past_deletes(raw):
    assert raw.call("SET", "k", "v", "EXAT", "1") == b"OK"
    assert raw.call("EXISTS", "k") == 0
    assert raw.call("SET", "k", "v", "PXAT", "1") == b"OK"
    assert raw.call("EXISTS", "k") == 0


def test_set_nx_xx(r):
    assert r.set("k", "1", xx=True) is None
    assert r.exists("k") == 0
    assert r.set("k", "1", nx=True) is True
    assert r.set("k", "2", nx=True) is None
    assert r.get("k") == b"1"
    assert r.set("k", "3", xx=True) is True
    assert r.get("k") == b"3"


def test_set_keepttl(r):
    r.set("k", "v", ex=100)
    r.set("k", "w", keepttl=True)
    assert r.get("k") == b"w"
    assert 99 <= r.ttl("k") <= 100


def test_set_get_option(r, raw):
    assert r.set("k", "1", get=True) is None
    assert r.get("k") == b"1"
    assert r.set("k", "2", get=True) == b"1"
    assert r.get("k") == b"2"
    # NX with GET: not set because the key exists, the old value is returned.
    assert raw.call("SET", "k", "3", "NX", "GET") == b"2"
    assert r.get("k") == b"2"
    # XX with GET on a missing key: nil and nothing set.
    assert raw.call("SET", "nokey", "3", "XX", "GET") is None
    assert r.exists("nokey") == 0


def test_set_get_option_wrongtype(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.execute_command("SET", list_key, "v", "GET")
    assert r.type(list_key) == b"list"


@pytest.mark.parametrize("options", [["EX", "0"], ["EX", "-1"], ["PX", "0"], ["PX", "-100"], ["EXAT", "0"],
                                     ["PXAT", "0"], ["EX", str(INT64_MAX)], ["PX", str(INT64_MAX)],
                                     ["EX", "9223372036854776"]])
def test_set_invalid_expire_time(r, options):
    with pytest.raises(redis.ResponseError, match=invalid_expire("set")):
        r.execute_command("SET", "k", "v", *options)
    assert r.exists("k") == 0


@pytest.mark.parametrize("options", [["EX", "abc"], ["EX", "1.5"], ["PX", ""]])
def test_set_expire_not_integer(r, options):
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("SET", "k", "v", *options)


@pytest.mark.parametrize("options", [["EX", "10", "PX", "100"], ["NX", "XX"], ["EX", "10", "KEEPTTL"],
                                     ["KEEPTTL", "PX", "10"], ["EXAT", "10", "PXAT", "10"], ["EX"],
                                     ["FOO"], ["EX", "10", "EXAT", "20"]])
def test_set_invalid_combinations(r, options):
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("SET", "k", "v", *options)
    assert r.exists("k") == 0


def test_set_arity(r):
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'set' command$"):
        r.execute_command("SET", "k")


# --- SETNX / SETEX / PSETEX / GETSET / GETDEL ----------------------------------------------------

def test_setnx(r):
    assert r.setnx("k", "1") is True
    assert r.setnx("k", "2") is False
    assert r.get("k") == b"1"


def test_setex_psetex(r):
    assert r.setex("k", 100, "v") is True
    assert r.get("k") == b"v"
    assert 99 <= r.ttl("k") <= 100
    assert r.psetex("p", 100000, "v") is True
    assert 99000 <= r.pttl("p") <= 100000


@pytest.mark.parametrize("command", ["SETEX", "PSETEX"])
@pytest.mark.parametrize("ttl", ["0", "-1"])
def test_setex_invalid_expire(r, command, ttl):
    with pytest.raises(redis.ResponseError, match=invalid_expire(command.lower())):
        r.execute_command(command, "k", ttl, "v")
    assert r.exists("k") == 0


def test_setex_not_integer(r):
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("SETEX", "k", "abc", "v")


def test_getset(r):
    assert r.getset("k", "1") is None
    r.expire("k", 100)
    assert r.getset("k", "2") == b"1"
    assert r.get("k") == b"2"
    assert r.ttl("k") == -1


def test_getdel(r):
    r.set("k", "v")
    assert r.getdel("k") == b"v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None


def test_getset_getdel_wrongtype(r, list_key):
    for command in (("GETSET", list_key, "x"), ("GETDEL", list_key)):
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*command)
    assert r.type(list_key) == b"list"


# --- GETEX ---------------------------------------------------------------------------------------

def test_getex_options(r):
    r.set("k", "v")
    assert r.getex("k") == b"v"
    assert r.ttl("k") == -1
    assert r.getex("k", ex=100) == b"v"
    assert 99 <= r.ttl("k") <= 100
    assert r.getex("k", px=50000) == b"v"
    assert 49000 <= r.pttl("k") <= 50000
    at = int(time.time()) + 200
    assert r.getex("k", exat=at) == b"v"
    assert r.expiretime("k") == at
    pat = int(time.time() * 1000) + 300000
    assert r.getex("k", pxat=pat) == b"v"
    assert r.pexpiretime("k") == pat
    assert r.getex("k") == b"v"
    assert r.pexpiretime("k") == pat
    assert r.getex("k", persist=True) == b"v"
    assert r.ttl("k") == -1


def test_getex_missing_key(r):
    assert r.getex("missing", ex=10) is None
    assert r.exists("missing") == 0


def test_getex_past_time_deletes(r):
    r.set("k", "v")
    assert r.execute_command("GETEX", "k", "EXAT", "1") == b"v"
    assert r.exists("k") == 0
    r.set("k", "v")
    assert r.execute_command("GETEX", "k", "PXAT", "1") == b"v"
    assert r.exists("k") == 0


@pytest.mark.parametrize("options", [["EX", "0"], ["PX", "-1"], ["EXAT", "0"], ["PXAT", "-5"]])
def test_getex_invalid_expire(r, options):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=invalid_expire("getex")):
        r.execute_command("GETEX", "k", *options)
    assert r.ttl("k") == -1


@pytest.mark.parametrize("options", [["EX", "10", "PX", "10"], ["PERSIST", "EX", "10"], ["FOO"], ["EX"]])
def test_getex_syntax_error(r, options):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("GETEX", "k", *options)


def test_getex_wrongtype(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.getex(list_key)


# --- MGET / MSET / MSETNX ------------------------------------------------------------------------

def test_mset_mget(r):
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "missing", "b") == [b"1", None, b"2"]


def test_mset_overwrites_and_clears_ttl(r):
    r.set("a", "old", ex=100)
    r.mset({"a": "new"})
    assert r.get("a") == b"new"
    assert r.ttl("a") == -1


def test_mset_last_duplicate_wins(r):
    r.execute_command("MSET", "a", "1", "a", "2")
    assert r.get("a") == b"2"


@pytest.mark.parametrize("args", [[], ["a"], ["a", "1", "b"]])
def test_mset_arity(r, args):
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'mset' command$"):
        r.execute_command("MSET", *args)
    assert r.exists("a") == 0


def test_msetnx_all_or_nothing(r):
    assert r.msetnx({"a": "1", "b": "2"}) is True
    assert r.msetnx({"a": "3", "c": "4"}) is False
    assert r.mget("a", "b", "c") == [b"1", b"2", None]


def test_mget_non_string_is_nil(r, list_key):
    r.set("s", "v")
    assert r.mget(list_key, "s") == [None, b"v"]


# --- APPEND / STRLEN -----------------------------------------------------------------------------

def test_append_and_strlen(r):
    assert r.strlen("k") == 0
    assert r.append("k", "abc") == 3
    assert r.append("k", "def") == 6
    assert r.get("k") == b"abcdef"
    assert r.strlen("k") == 6
    assert r.append("k", "") == 6


def test_append_keeps_ttl(r):
    r.set("k", "v", ex=100)
    r.append("k", "w")
    assert 99 <= r.ttl("k") <= 100


def test_append_to_integer(r):
    r.set("k", 12345)
    assert r.append("k", "6") == 6
    assert r.get("k") == b"123456"
    assert r.incr("k") == 123457


def test_append_strlen_wrongtype(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.append(list_key, "x")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.strlen(list_key)


# --- INCR family ---------------------------------------------------------------------------------

def test_incr_decr(r):
    assert r.incr("n") == 1
    assert r.incrby("n", 10) == 11
    assert r.decr("n") == 10
    assert r.decrby("n", 15) == -5
    assert r.incrby("n", -10) == -15
    assert r.get("n") == b"-15"


def test_incr_keeps_ttl(r):
    r.set("n", "1", ex=100)
    assert r.incr("n") == 2
    assert 99 <= r.ttl("n") <= 100


def test_incr_limits(r):
    r.set("n", INT64_MAX - 1)
    assert r.incr("n") == INT64_MAX
    r.set("m", INT64_MIN + 1)
    assert r.decr("m") == INT64_MIN


@pytest.mark.parametrize("start,command", [(INT64_MAX, ("INCR",)), (INT64_MIN, ("DECR",)),
                                           (INT64_MIN, ("DECRBY", INT64_MAX)), (1, ("INCRBY", INT64_MAX))])
def test_incr_overflow(r, start, command):
    r.set("n", start)
    with pytest.raises(redis.ResponseError, match=OVERFLOW):
        r.execute_command(command[0], "n", *command[1:])
    assert r.get("n") == str(start).encode()


def test_decrby_min_increment(r):
    r.set("n", "10")
    with pytest.raises(redis.ResponseError, match=r"^decrement would overflow$"):
        r.execute_command("DECRBY", "n", INT64_MIN)


@pytest.mark.parametrize("value", ["abc", " 1", "1 ", "01", "+1", "-0", "1.5", "", "99999999999999999999"])
def test_incr_non_integer_value(r, value):
    r.set("n", value)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.incr("n")
    assert r.get("n") == value.encode()


@pytest.mark.parametrize("increment", ["abc", "1.5", "9223372036854775808", ""])
def test_incrby_non_integer_increment(r, increment):
    r.set("n", "10")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("INCRBY", "n", increment)


@pytest.mark.parametrize("start,increment,expected", [
    (None, "3.0", b"3"),
    (None, "1e2", b"100"),
    (None, ".5", b"0.5"),
    ("10.50", "0.1", b"10.6"),
    ("0.1", "0.2", b"0.3"),
    ("10", "5.0e3", b"5010"),
    ("-5", "0.5", b"-4.5"),
    ("1.5e2", "0", b"150"),
    ("5", "-5", b"0"),
])
def test_incrbyfloat_formatting(r, raw, start, increment, expected):
    # Results are computed in long double and printed with 17 significant digits, trailing zeros trimmed,
    # which is why 10.50 + 0.1 prints 10.6.
    if start is not None:
        r.set("f", start)
    assert raw.call("INCRBYFLOAT", "f", increment) == expected
    assert r.get("f") == expected


def test_incrbyfloat_raw_reply_is_bulk(raw):
    raw.send_command("INCRBYFLOAT", "f", "2.5")
    assert raw.read_frame() == b"$3\r\n2.5\r\n"


def test_incrbyfloat_result_usable_by_incr(r):
    r.set("f", "1.5e2")
    r.incrbyfloat("f", 0)
    assert r.incr("f") == 151


@pytest.mark.parametrize("value", ["abc", "1.5 ", " 1", "nan"])
def test_incrbyfloat_non_float_value(r, value):
    r.set("f", value)
    with pytest.raises(redis.ResponseError, match=NOT_FLOAT):
        r.incrbyfloat("f", 1)


@pytest.mark.parametrize("increment", ["abc", "nan", ""])
def test_incrbyfloat_non_float_increment(r, increment):
    r.set("f", "1")
    with pytest.raises(redis.ResponseError, match=NOT_FLOAT):
        r.execute_command("INCRBYFLOAT", "f", increment)


def test_incrbyfloat_infinity(r):
    r.set("f", "1")
    with pytest.raises(redis.ResponseError, match=r"^increment would produce NaN or Infinity$"):
        r.execute_command("INCRBYFLOAT", "f", "inf")
    assert r.get("f") == b"1"


def test_counters_wrongtype(r, list_key):
    for command in (("INCR", list_key), ("DECRBY", list_key, 1), ("INCRBYFLOAT", list_key, 1)):
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*command)


# --- GETRANGE / SETRANGE / SUBSTR ----------------------------------------------------------------

@pytest.mark.parametrize("start,end,expected", [
    (0, 4, b"Hello"), (-5, -1, b"World"), (5, 2, b""), (-100, 100, b"Hello World"), (100, 200, b""),
    (-1, -5, b""), (0, -100, b"H"), (0, 0, b"H"), (6, -1, b"World"),
])
def test_getrange(r, start, end, expected):
    r.set("k", "Hello World")
    assert r.getrange("k", start, end) == expected
    assert r.execute_command("SUBSTR", "k", start, end) == expected


def test_getrange_missing_and_empty(r):
    assert r.getrange("missing", 0, -1) == b""
    r.set("e", "")
    assert r.getrange("e", 0, 0) == b""


def test_getrange_not_integer(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("GETRANGE", "k", "abc", "1")


def test_getrange_on_integer_encoding(r):
    r.set("k", 1234567)
    assert r.getrange("k", 2, 4) == b"345"


def test_setrange(r):
    r.set("k", "Hello World")
    assert r.setrange("k", 6, "Redis") == 11
    assert r.get("k") == b"Hello Redis"
    assert r.setrange("k", 11, "!") == 12
    assert r.get("k") == b"Hello Redis!"


def test_setrange_pads_with_zero_bytes(r):
    assert r.setrange("k", 5, "x") == 6
    assert r.get("k") == b"\x00\x00\x00\x00\x00x"


def test_setrange_empty_value_on_missing_key_creates_nothing(r):
    assert r.setrange("k", 0, "") == 0
    assert r.setrange("k", 10, "") == 0
    assert r.exists("k") == 0


def test_setrange_negative_offset(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=r"^offset is out of range$"):
        r.setrange("k", -1, "x")


def test_setrange_beyond_max_size(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=TOO_BIG):
        r.setrange("k", 512 * 1024 * 1024, "x")
    assert r.get("k") == b"v"


def test_max_size_follows_proto_max_bulk_len(r):
    r.config_set("proto-max-bulk-len", "1mb")
    try:
        r.set("k", "v")
        with pytest.raises(redis.ResponseError, match=TOO_BIG):
            r.setrange("k", 1024 * 1024, "x")
        assert r.setrange("k", 1024 * 1024 - 1, "x") == 1024 * 1024
        with pytest.raises(redis.ResponseError, match=TOO_BIG):
            r.append("k", "x")
        assert r.strlen("k") == 1024 * 1024
    finally:
        r.config_set("proto-max-bulk-len", "512mb")


def test_range_wrongtype(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.getrange(list_key, 0, 1)
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.setrange(list_key, 0, "x")


# --- LCS -----------------------------------------------------------------------------------------

@pytest.fixture
def lcs_keys(r):
    r.mset({"a": "ohmytext", "b": "mynewtext"})
    return "a", "b"


def test_lcs_plain_and_len(r, lcs_keys):
    assert r.execute_command("LCS", *lcs_keys) == b"mytext"
    assert r.execute_command("LCS", *lcs_keys, "LEN") == 6


def test_lcs_missing_key_is_empty(r, lcs_keys):
    assert r.execute_command("LCS", "a", "missing") == b""
    assert r.execute_command("LCS", "missing", "missing2", "LEN") == 0


def test_lcs_idx(raw, lcs_keys):
    raw.send_command("LCS", *lcs_keys, "IDX")
    assert raw.read_frame() == (
        b"*4\r\n$7\r\nmatches\r\n*2\r\n"
        b"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        b"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
        b"$3\r\nlen\r\n:6\r\n")


def test_lcs_idx_minmatchlen_withmatchlen(r, lcs_keys):
    assert r.execute_command("LCS", *lcs_keys, "IDX", "MINMATCHLEN", 4) == [
        b"matches", [[[4, 7], [5, 8]]], b"len", 6]
    assert r.execute_command("LCS", *lcs_keys, "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
    assert r.execute_command("LCS", *lcs_keys, "IDX", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]


def test_lcs_errors(r, lcs_keys):
    with pytest.raises(redis.ResponseError, match=r"^If you want both the length and indexes, please just use IDX.$"):
        r.execute_command("LCS", *lcs_keys, "LEN", "IDX")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("LCS", *lcs_keys, "FOO")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("LCS", *lcs_keys, "MINMATCHLEN", "abc")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'lcs' command$"):
        r.execute_command("LCS", "a")


def test_lcs_non_string(r, lcs_keys, list_key):
    with pytest.raises(redis.ResponseError, match=r"^The specified keys must contain string values$"):
        r.execute_command("LCS", list_key, "a")


# --- WRONGTYPE on reads, and SET replacing another type ------------------------------------------

def test_get_wrongtype_and_set_replaces(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.get(list_key)
    assert r.set(list_key, "v") is True
    assert r.get(list_key) == b"v"
    assert r.type(list_key) == b"string"


def test_wrongtype_raw_reply(raw, list_key):
    raw.send_command("GET", list_key)
    assert raw.read_frame() == b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


# --- Big and binary values -----------------------------------------------------------------------

def test_ten_megabyte_value(r):
    value = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    assert r.set("big", value) is True
    assert r.strlen("big") == len(value)
    assert r.get("big") == value
    assert r.append("big", b"tail") == len(value) + 4
    assert r.getrange("big", -4, -1) == b"tail"
    assert r.getrange("big", 256, 511) == bytes(range(256))


def test_binary_safe_keys_and_values(r):
    key = bytes(range(256))
    value = b"\r\n\x00" + bytes(range(255, -1, -1)) + b"\x00\r\n"
    r.set(key, value)
    assert r.get(key) == value
    assert r.strlen(key) == len(value)
    assert r.exists(key) == 1
    assert r.get(key[:-1]) is None
    r.set(b"a\x00b", "1")
    r.set(b"a\x00c", "2")
    assert r.mget(b"a\x00b", b"a\x00c", b"a") == [b"1", b"2", None]


def test_binary_value_over_raw_socket(raw):
    value = b"line1\r\nline2\x00\r\n$3\r\n"
    raw.send_command("SET", b"bin\r\nkey", value)
    assert raw.read_frame() == b"+OK\r\n"
    raw.send_command("GET", b"bin\r\nkey")
    assert raw.read_frame() == b"$%d\r\n%s\r\n" % (len(value), value)
