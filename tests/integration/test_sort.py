"""SORT and SORT_RO: numeric and ALPHA order, ASC/DESC, LIMIT, BY (string keys, hash fields, nosort),
GET (#, patterns, hash fields, missing keys), STORE, list/set/zset inputs, errors, key positions and
keyspace events, as Redis 7.0 does them."""
import pytest
import redis

from support.keyevents import keyevents

WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
NOT_INTEGER = r"^value is not an integer or out of range$"
SYNTAX = r"^syntax error$"
NOT_DOUBLE = r"^One or more scores can't be converted into double$"


def sort(r, *args):
    return r.execute_command("SORT", *args)


@pytest.fixture
def weighted(r):
    """List l = [3, 1, 2] with weights w_<n>, hash fields h_<n>.w and names n_<n>."""
    r.rpush("l", 3, 1, 2)
    r.mset({"w_1": 30, "w_2": 10, "w_3": 20, "n_1": "one", "n_2": "two", "n_3": "three"})
    for n, w in ((1, 5), (2, 15), (3, 10)):
        r.hset(f"h_{n}", mapping={"w": w, "name": f"h{n}"})
    return "l"


# --- Order ------------------------------------------------------------------------------------------

def test_numeric_default_and_desc(r):
    r.rpush("l", 10, 2, -1.5, "3e1", 7)
    assert sort(r, "l") == [b"-1.5", b"2", b"7", b"10", b"3e1"]
    assert sort(r, "l", "DESC") == [b"3e1", b"10", b"7", b"2", b"-1.5"]
    assert sort(r, "l", "desc", "asc") == [b"-1.5", b"2", b"7", b"10", b"3e1"]


def test_numeric_accepts_strtod_forms_and_ties_break_by_bytes(r):
    r.rpush("l", "0x10", " 5", "", "1e1", "10", "010")
    # "" reads as 0; equal scores (10, 1e1, 010) are ordered by their bytes.
    assert sort(r, "l") == [b"", b" 5", b"010", b"10", b"1e1", b"0x10"]


def test_numeric_error(r):
    r.rpush("l", 1, "abc", 2)
    with pytest.raises(redis.ResponseError, match=NOT_DOUBLE):
        sort(r, "l")
    r.rpush("n", 1, "nan")
    with pytest.raises(redis.ResponseError, match=NOT_DOUBLE):
        sort(r, "n")
    r.rpush("big", "1e400")
    with pytest.raises(redis.ResponseError, match=NOT_DOUBLE):
        sort(r, "big")
    # The error also stops STORE: nothing written.
    with pytest.raises(redis.ResponseError, match=NOT_DOUBLE):
        sort(r, "l", "STORE", "dst")
    assert r.exists("dst") == 0


def test_alpha_byte_order(r):
    r.rpush("l", "b", "B", "a", "ab", "\xff", "A", "10", "9")
    assert sort(r, "l", "ALPHA") == [b"10", b"9", b"A", b"B", b"a", b"ab", b"b", b"\xc3\xbf"]
    assert sort(r, "l", "ALPHA", "DESC")[0] == b"\xc3\xbf"


def test_limit(r):
    r.rpush("l", 5, 4, 3, 2, 1)
    assert sort(r, "l", "LIMIT", 1, 2) == [b"2", b"3"]
    assert sort(r, "l", "LIMIT", 0, 0) == []
    assert sort(r, "l", "LIMIT", -5, 2) == [b"1", b"2"]
    assert sort(r, "l", "LIMIT", 3, -1) == [b"4", b"5"]
    assert sort(r, "l", "LIMIT", 4, 100) == [b"5"]
    assert sort(r, "l", "LIMIT", 5, 1) == []
    assert sort(r, "l", "LIMIT", 2, 9223372036854775807) == [b"3", b"4", b"5"]
    assert sort(r, "l", "DESC", "LIMIT", 0, 2) == [b"5", b"4"]


def test_missing_key_is_empty(r):
    assert sort(r, "nokey") == []
    assert sort(r, "nokey", "GET", "#", "GET", "x_*") == []
    assert r.execute_command("SORT_RO", "nokey") == []


# --- BY -----------------------------------------------------------------------------------------------

def test_by_string_keys(r, weighted):
    assert sort(r, "l", "BY", "w_*") == [b"2", b"3", b"1"]
    assert sort(r, "l", "BY", "w_*", "DESC") == [b"1", b"3", b"2"]
    assert sort(r, "l", "BY", "n_*", "ALPHA") == [b"1", b"3", b"2"]
    assert sort(r, "l", "BY", "w_*", "LIMIT", 1, 1) == [b"3"]


def test_by_hash_field(r, weighted):
    assert sort(r, "l", "BY", "h_*->w") == [b"1", b"3", b"2"]
    assert sort(r, "l", "BY", "h_*->w", "DESC") == [b"2", b"3", b"1"]
    # A field that no hash has: every weight is 0, ties ordered by the elements.
    assert sort(r, "l", "BY", "h_*->nothere") == [b"1", b"2", b"3"]
    # The string keys are not hashes: missing too.
    assert sort(r, "l", "BY", "w_*->w", "DESC") == [b"3", b"2", b"1"]


def test_by_missing_keys_and_wrong_types(r):
    r.rpush("l", "c", "a", "b")
    r.set("w_a", 2)
    r.rpush("w_b", 1)  # a list, read as missing (weight 0)
    assert sort(r, "l", "BY", "w_*") == [b"b", b"c", b"a"]


def test_by_alpha_missing_keep_input_order(r):
    r.rpush("l", "c", "a", "b")
    r.set("k_b", "x")
    # Elements without a weight sort first and keep their input order (a stable sort).
    assert sort(r, "l", "BY", "k_*", "ALPHA") == [b"c", b"a", b"b"]


def test_by_weight_not_a_number(r, weighted):
    r.set("w_2", "heavy")
    with pytest.raises(redis.ResponseError, match=NOT_DOUBLE):
        sort(r, "l", "BY", "w_*")
    assert sort(r, "l", "BY", "w_*", "ALPHA") == [b"3", b"1", b"2"]


def test_by_pattern_star_substitution_rules(r):
    r.rpush("l", "x")
    r.set("a-x-*b", 1)
    r.set("k", 5)
    # Only the first '*' is replaced; the rest of the pattern is copied as is.
    assert sort(r, "l", "ALPHA", "GET", "a-*-*b") == [b"1"]
    # A GET pattern without '*' finds nothing.
    assert sort(r, "l", "ALPHA", "GET", "k") == [None]
    r.hset("hx", "f->g", "deep")
    # The field is whatever follows the first "->" after the '*'.
    assert sort(r, "l", "ALPHA", "GET", "h*->f->g") == [b"deep"]
    # "->" with nothing after it is part of the key name.
    r.set("hx->", "arrow")
    assert sort(r, "l", "ALPHA", "GET", "h*->") == [b"arrow"]


def test_by_nosort_list_keeps_order(r):
    r.rpush("l", 3, "b", 1, "a", 2)
    assert sort(r, "l", "BY", "nosort") == [b"3", b"b", b"1", b"a", b"2"]
    assert sort(r, "l", "BY", "nosort", "DESC") == [b"2", b"a", b"1", b"b", b"3"]
    assert sort(r, "l", "BY", "nosort", "LIMIT", 1, 2) == [b"b", b"1"]
    assert sort(r, "l", "BY", "nosort", "DESC", "LIMIT", 1, 2) == [b"a", b"1"]
    assert sort(r, "l", "BY", "nosort", "LIMIT", 10, 2) == []
    # A constant BY stays "nosort" even if a later BY has a '*'.
    assert sort(r, "l", "BY", "nosort", "BY", "w_*") == [b"3", b"b", b"1", b"a", b"2"]


def test_by_nosort_zset_keeps_score_order(r):
    r.zadd("z", {"c": 1, "a": 3, "b": 2, "d": 4})
    assert sort(r, "z", "BY", "nosort") == [b"c", b"b", b"a", b"d"]
    assert sort(r, "z", "BY", "nosort", "DESC") == [b"d", b"a", b"b", b"c"]
    assert sort(r, "z", "BY", "nosort", "LIMIT", 1, 2) == [b"b", b"a"]
    assert sort(r, "z", "BY", "nosort", "DESC", "LIMIT", 1, 2) == [b"a", b"b"]
    assert sort(r, "z", "BY", "nosort", "LIMIT", 4, 2) == []
    assert sort(r, "z", "ALPHA") == [b"a", b"b", b"c", b"d"]


def test_zset_numeric_members(r):
    r.zadd("z", {"10": 1, "9": 2, "100": 0})
    assert sort(r, "z") == [b"9", b"10", b"100"]
    assert sort(r, "z", "BY", "nosort", "STORE", "dst") == 3
    assert r.lrange("dst", 0, -1) == [b"100", b"10", b"9"]


def test_set_input(r):
    r.sadd("s", 5, 3, 10, 1)
    assert sort(r, "s") == [b"1", b"3", b"5", b"10"]
    assert sort(r, "s", "ALPHA") == [b"1", b"10", b"3", b"5"]
    # An intset iterates in ascending order, so nosort shows it.
    assert sort(r, "s", "BY", "nosort") == [b"1", b"3", b"5", b"10"]
    assert sort(r, "s", "BY", "nosort", "LIMIT", 1, 2) == [b"3", b"5"]
    r.sadd("hs", "b", "c", "a", "x10")
    assert sorted(sort(r, "hs", "BY", "nosort")) == [b"a", b"b", b"c", b"x10"]
    assert sort(r, "hs", "ALPHA", "DESC") == [b"x10", b"c", b"b", b"a"]


def test_set_nosort_with_store_sorts_alpha(r):
    # With STORE, a set is sorted (ALPHA) even under BY nosort, so replicas store the same list.
    r.sadd("s", 5, 3, 10, 1)
    assert sort(r, "s", "BY", "nosort", "STORE", "d") == 4
    assert r.lrange("d", 0, -1) == [b"1", b"10", b"3", b"5"]
    r.sadd("hs", "b", "c", "a")
    assert sort(r, "hs", "BY", "nosort", "DESC", "STORE", "d") == 3
    assert r.lrange("d", 0, -1) == [b"c", b"b", b"a"]


# --- GET ----------------------------------------------------------------------------------------------

def test_get_patterns(r, weighted):
    assert sort(r, "l", "GET", "n_*") == [b"one", b"two", b"three"]
    assert sort(r, "l", "GET", "#", "GET", "n_*", "GET", "h_*->name", "GET", "nope_*") == [
        b"1", b"one", b"h1", None,
        b"2", b"two", b"h2", None,
        b"3", b"three", b"h3", None]
    assert sort(r, "l", "BY", "w_*", "GET", "n_*", "LIMIT", 0, 2) == [b"two", b"three"]
    assert sort(r, "l", "BY", "nosort", "GET", "h_*->w") == [b"10", b"5", b"15"]


def test_get_wrong_type_is_null(r):
    r.rpush("l", "a")
    r.rpush("x_a", "list")
    r.set("y_a", "str")
    assert sort(r, "l", "ALPHA", "GET", "x_*", "GET", "y_*->f") == [None, None]


def test_resp3_shapes(raw):
    raw.call("RPUSH", "l", "a")
    raw.call("HELLO", "3")
    raw.send_command("SORT", "l", "ALPHA", "GET", "#", "GET", "none_*")
    assert raw.read_frame() == b"*2\r\n$1\r\na\r\n_\r\n"
    raw.send_command("SORT", "l", "ALPHA", "STORE", "d")
    assert raw.read_frame() == b":1\r\n"


def test_get_null_on_the_wire(raw):
    raw.call("RPUSH", "l", "a")
    raw.send_command("SORT", "l", "ALPHA", "GET", "none_*")
    assert raw.read_frame() == b"*1\r\n$-1\r\n"


# --- STORE --------------------------------------------------------------------------------------------

def test_store(r, weighted):
    r.set("dst", "old")
    r.expire("dst", 100)
    assert sort(r, "l", "STORE", "dst") == 3
    assert r.type("dst") == b"list"
    assert r.ttl("dst") == -1
    assert r.lrange("dst", 0, -1) == [b"1", b"2", b"3"]
    assert sort(r, "l", "BY", "w_*", "GET", "#", "GET", "nope_*", "STORE", "dst") == 6
    # Missing GET values are stored as empty strings.
    assert r.lrange("dst", 0, -1) == [b"2", b"", b"3", b"", b"1", b""]


def test_store_onto_itself(r):
    r.rpush("l", 3, 1, 2)
    assert sort(r, "l", "STORE", "l") == 3
    assert r.lrange("l", 0, -1) == [b"1", b"2", b"3"]


def test_store_empty_result_deletes(r):
    r.set("dst", "x")
    assert sort(r, "nokey", "STORE", "dst") == 0
    assert r.exists("dst") == 0
    r.rpush("l", 1)
    r.set("dst", "x")
    assert sort(r, "l", "LIMIT", 5, 1, "STORE", "dst") == 0
    assert r.exists("dst") == 0
    assert sort(r, "l", "LIMIT", 5, 1, "STORE", "dst") == 0


def test_store_last_wins_and_options_anywhere(r):
    r.rpush("l", 2, 1)
    assert sort(r, "l", "STORE", "a", "DESC", "STORE", "b") == 2
    assert r.exists("a") == 0
    assert r.lrange("b", 0, -1) == [b"2", b"1"]


def test_sort_ro(r, weighted):
    assert r.execute_command("SORT_RO", "l", "BY", "w_*", "GET", "n_*") == [b"two", b"three", b"one"]
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("SORT_RO", "l", "STORE", "dst")
    assert r.exists("dst") == 0


# --- Errors -------------------------------------------------------------------------------------------

def test_errors(r):
    r.rpush("l", 1)
    for args in (("foo",), ("LIMIT", 1), ("STORE",), ("BY",), ("GET",), ("ASC", "x")):
        with pytest.raises(redis.ResponseError, match=SYNTAX):
            sort(r, "l", *args)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        sort(r, "l", "LIMIT", "a", 1)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        sort(r, "l", "LIMIT", 0, "1.5")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'sort' command$"):
        r.execute_command("SORT")


def test_wrongtype_after_syntax(r):
    r.set("s", "x")
    r.hset("h", "f", "v")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        sort(r, "s")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        sort(r, "h", "STORE", "d")
    # Options are parsed before the key is looked at.
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        sort(r, "s", "foo")
    assert r.exists("d") == 0


# --- Introspection and signals ------------------------------------------------------------------------

def test_command_getkeys_and_info(raw):
    assert raw.call("COMMAND", "GETKEYS", "SORT", "k", "STORE", "d") == [b"k", b"d"]
    assert raw.call("COMMAND", "GETKEYS", "SORT", "k", "STORE", "d", "STORE", "e") == [b"k", b"e"]
    assert raw.call("COMMAND", "GETKEYS", "SORT", "k", "GET", "store", "BY", "store") == [b"k"]
    assert raw.call("COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "store", "x") == [b"k"]
    assert raw.call("COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "d") == [b"k"]
    info = raw.call("COMMAND", "INFO", "SORT", "SORT_RO")
    sort_info, ro_info = info
    assert sort_info[1] == -2 and ro_info[1] == -2
    assert set(sort_info[2]) == {b"write", b"denyoom", b"movablekeys"}
    assert set(ro_info[2]) == {b"readonly", b"movablekeys"}
    assert sort_info[3:6] == [1, 1, 1]
    assert set(sort_info[6]) == {b"@write", b"@set", b"@sortedset", b"@list", b"@slow", b"@dangerous"}
    assert set(ro_info[6]) == {b"@read", b"@set", b"@sortedset", b"@list", b"@slow", b"@dangerous"}


def test_store_events(r, shared_server):
    r.rpush("l", 2, 1)

    def action():
        sort(r, "l", "STORE", "d")
        sort(r, "nokey", "STORE", "d")
        sort(r, "nokey", "STORE", "d")
    assert keyevents(r, action) == [("sortstore", "d"), ("del", "d")]


def test_store_breaks_watch(r, shared_server):
    r.rpush("l", 1)
    other = redis.Redis(host="127.0.0.1", port=shared_server.port)
    try:
        for dst_exists in (False, True):
            with r.pipeline() as pipe:
                pipe.watch("d")
                if dst_exists:
                    other.execute_command("SORT", "nokey", "STORE", "d")  # deletes d
                else:
                    other.execute_command("SORT", "l", "STORE", "d")
                pipe.multi()
                pipe.get("x")
                with pytest.raises(redis.WatchError):
                    pipe.execute()
    finally:
        other.close()


def test_sort_converts_listpack_zset(r):
    # Redis 7.0 converts a listpack sorted set to a skiplist when SORT reads it.
    r.zadd("z", {"a": 1})
    assert r.object("encoding", "z") == b"listpack"
    sort(r, "z", "ALPHA")
    assert r.object("encoding", "z") == b"skiplist"


def test_large_list(r):
    values = [(i * 7919) % 1000 for i in range(1000)]
    r.rpush("l", *values)
    assert sort(r, "l") == [str(v).encode() for v in sorted(values)]
    assert sort(r, "l", "ALPHA", "LIMIT", 0, 3) == [b"0", b"1", b"10"]
