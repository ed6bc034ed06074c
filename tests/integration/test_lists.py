"""List commands: pushes and pops at both ends, ranges and indexes, LINSERT/LREM/LTRIM/LSET, LPOS options,
moves between lists (LMOVE, RPOPLPUSH, LMPOP), emptied keys, encodings and a large list."""
import pytest
import redis

from support.calls import skip_unless_command
from support.keyevents import keyevents
from support.resp_socket import RawConnection

WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
NOT_INTEGER = r"^value is not an integer or out of range$"
SYNTAX = r"^syntax error$"


@pytest.fixture
def lst(r):
    """The list l = [a, b, c, d, e]."""
    r.rpush("l", "a", "b", "c", "d", "e")
    return "l"


# --- Push / pop ---------------------------------------------------------------------------------

def test_push_order_and_lengths(r):
    assert r.rpush("l", "a", "b") == 2
    assert r.lpush("l", "x", "y") == 4
    assert r.lrange("l", 0, -1) == [b"y", b"x", b"a", b"b"]
    assert r.lpushx("l", "h") == 5
    assert r.rpushx("l", "t") == 6
    assert r.lrange("l", 0, -1) == [b"h", b"y", b"x", b"a", b"b", b"t"]
    assert r.llen("l") == 6
    assert r.type("l") == b"list"


def test_pushx_on_missing_key_creates_nothing(r):
    assert r.lpushx("nokey", "a") == 0
    assert r.execute_command("RPUSHX", "nokey", "a", "b") == 0
    assert r.exists("nokey") == 0


def test_pop_single_and_with_count(r, lst):
    assert r.lpop(lst) == b"a"
    assert r.rpop(lst) == b"e"
    assert r.lpop(lst, 2) == [b"b", b"c"]
    assert r.rpop(lst, 10) == [b"d"]
    assert r.exists(lst) == 0


def test_pop_null_shapes(raw):
    assert raw.call("LPOP", "nokey") is None
    raw.send_command("LPOP", "nokey")
    assert raw.read_frame() == b"$-1\r\n"
    raw.send_command("RPOP", "nokey", "1")
    assert raw.read_frame() == b"*-1\r\n"
    raw.send_command("LPOP", "nokey", "0")
    assert raw.read_frame() == b"*-1\r\n"
    raw.call("RPUSH", "l", "a")
    raw.send_command("LPOP", "l", "0")
    assert raw.read_frame() == b"*0\r\n"


def test_pop_count_errors(r, lst):
    for count in ("-1", "abc"):
        with pytest.raises(redis.ResponseError, match=r"^value is out of range, must be positive$"):
            r.execute_command("LPOP", lst, count)
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'lpop' command$"):
        r.execute_command("LPOP", lst, "1", "2")
    assert r.llen(lst) == 5


def test_pop_resp3_null(shared_server):
    with RawConnection(shared_server.port) as conn:
        conn.call("HELLO", "3")
        for command in (("LPOP", "nokey"), ("LPOP", "nokey", "2"), ("LMPOP", "1", "nokey", "LEFT"),
                        ("LINDEX", "nokey", "0"), ("RPOPLPUSH", "nokey", "x")):
            conn.send_command(*command)
            assert conn.read_frame() == b"_\r\n"


# --- Reads --------------------------------------------------------------------------------------

def test_lrange_negative_and_out_of_range(r, lst):
    assert r.lrange(lst, -2, -1) == [b"d", b"e"]
    assert r.lrange(lst, -100, 1) == [b"a", b"b"]
    assert r.lrange(lst, 3, 100) == [b"d", b"e"]
    assert r.lrange(lst, 3, 1) == []
    assert r.lrange(lst, 5, 10) == []
    assert r.lrange(lst, -1, -2) == []
    assert r.lrange("nokey", 0, -1) == []
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.lrange(lst, "a", 1)


def test_lindex(r, lst):
    assert r.lindex(lst, 0) == b"a"
    assert r.lindex(lst, -1) == b"e"
    assert r.lindex(lst, -5) == b"a"
    assert r.lindex(lst, 5) is None
    assert r.lindex(lst, -6) is None
    assert r.lindex("nokey", 0) is None
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.lindex(lst, "x")


def test_llen_missing_is_zero(r):
    assert r.llen("nokey") == 0


# --- In-place changes ---------------------------------------------------------------------------

def test_lset(r, lst):
    assert r.lset(lst, 0, "A") is True
    assert r.lset(lst, -1, "E") is True
    assert r.lrange(lst, 0, -1) == [b"A", b"b", b"c", b"d", b"E"]
    with pytest.raises(redis.ResponseError, match=r"^index out of range$"):
        r.lset(lst, 5, "x")
    with pytest.raises(redis.ResponseError, match=r"^no such key$"):
        r.lset("nokey", 0, "x")


def test_linsert(r, lst):
    assert r.linsert(lst, "BEFORE", "a", "0") == 6
    assert r.linsert(lst, "after", "e", "f") == 7
    assert r.linsert(lst, "AFTER", "c", "c2") == 8
    assert r.lrange(lst, 0, -1) == [b"0", b"a", b"b", b"c", b"c2", b"d", b"e", b"f"]
    assert r.linsert(lst, "BEFORE", "zz", "x") == -1
    assert r.linsert("nokey", "BEFORE", "a", "x") == 0
    assert r.exists("nokey") == 0
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("LINSERT", lst, "MIDDLE", "a", "x")


def test_lrem_directions(r):
    r.rpush("l", "x", "a", "x", "b", "x", "c", "x")
    assert r.lrem("l", 2, "x") == 2
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"x", b"c", b"x"]
    assert r.lrem("l", -1, "x") == 1
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"x", b"c"]
    assert r.lrem("l", 0, "x") == 1
    assert r.lrem("l", 0, "zz") == 0
    assert r.lrem("nokey", 0, "a") == 0
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.lrem("l", "x", "a")
    assert r.lrem("l", 0, "a") == 1
    assert r.lrem("l", 0, "b") == 1
    assert r.lrem("l", 0, "c") == 1
    assert r.exists("l") == 0


def test_ltrim(r, lst):
    assert r.ltrim(lst, 1, -2) is True
    assert r.lrange(lst, 0, -1) == [b"b", b"c", b"d"]
    assert r.ltrim(lst, -100, 100) is True
    assert r.llen(lst) == 3
    assert r.ltrim(lst, 2, 1) is True
    assert r.exists(lst) == 0
    assert r.ltrim("nokey", 0, 1) is True
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.ltrim("l", "a", 1)


# --- LPOS ---------------------------------------------------------------------------------------

@pytest.fixture
def lpos_list(r):
    r.rpush("p", "a", "b", "c", "a", "b", "c", "a")
    return "p"


def test_lpos_rank_and_count(r, lpos_list):
    assert r.lpos(lpos_list, "a") == 0
    assert r.lpos(lpos_list, "b") == 1
    assert r.lpos(lpos_list, "a", rank=2) == 3
    assert r.lpos(lpos_list, "a", rank=-1) == 6
    assert r.lpos(lpos_list, "a", rank=-3) == 0
    assert r.lpos(lpos_list, "a", rank=4) is None
    assert r.lpos(lpos_list, "a", count=0) == [0, 3, 6]
    assert r.lpos(lpos_list, "a", count=2) == [0, 3]
    assert r.lpos(lpos_list, "a", rank=-1, count=2) == [6, 3]
    assert r.lpos(lpos_list, "a", rank=2, count=0) == [3, 6]
    assert r.lpos(lpos_list, "zz") is None
    assert r.lpos(lpos_list, "zz", count=0) == []
    assert r.lpos("nokey", "a") is None
    assert r.lpos("nokey", "a", count=1) == []


def test_lpos_maxlen(r, lpos_list):
    assert r.lpos(lpos_list, "a", count=0, maxlen=4) == [0, 3]
    assert r.lpos(lpos_list, "c", maxlen=2) is None
    assert r.lpos(lpos_list, "c", rank=-1, maxlen=2) == 5
    assert r.lpos(lpos_list, "a", count=0, maxlen=0) == [0, 3, 6]


def test_lpos_errors(r, lpos_list):
    with pytest.raises(redis.ResponseError, match=r"^RANK can't be zero: use 1 to start from the first match, "
                       r"2 from the second \.\.\. or use negative to start from the end of the list$"):
        r.lpos(lpos_list, "a", rank=0)
    with pytest.raises(redis.ResponseError, match=r"^COUNT can't be negative$"):
        r.lpos(lpos_list, "a", count=-1)
    with pytest.raises(redis.ResponseError, match=r"^MAXLEN can't be negative$"):
        r.lpos(lpos_list, "a", maxlen=-1)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("LPOS", lpos_list, "a", "RANK", "x")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("LPOS", lpos_list, "a", "RANK")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("LPOS", lpos_list, "a", "FOO", "1")


# --- Moves --------------------------------------------------------------------------------------

def test_lmove_all_directions(r):
    r.rpush("src", "1", "2", "3", "4")
    assert r.lmove("src", "dst", "LEFT", "LEFT") == b"1"
    assert r.lmove("src", "dst", "RIGHT", "RIGHT") == b"4"
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == b"2"
    assert r.lmove("src", "dst", "RIGHT", "LEFT") == b"3"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == [b"3", b"1", b"4", b"2"]
    assert r.lmove("src", "dst", "LEFT", "LEFT") is None
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("LMOVE", "dst", "x", "LEFT", "UP")


def test_lmove_same_key_rotates(r):
    r.rpush("l", "a", "b", "c")
    assert r.lmove("l", "l", "LEFT", "RIGHT") == b"a"
    assert r.lrange("l", 0, -1) == [b"b", b"c", b"a"]
    assert r.rpoplpush("l", "l") == b"a"
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c"]
    r.delete("l")
    r.rpush("one", "x")
    assert r.rpoplpush("one", "one") == b"x"
    assert r.lrange("one", 0, -1) == [b"x"]


def test_rpoplpush(r):
    r.rpush("src", "a", "b")
    assert r.rpoplpush("src", "dst") == b"b"
    assert r.rpoplpush("src", "dst") == b"a"
    assert r.rpoplpush("src", "dst") is None
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == [b"a", b"b"]


def test_move_wrongtype_leaves_source_alone(r):
    r.rpush("src", "a")
    r.set("s", "v")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.lmove("src", "s", "LEFT", "LEFT")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.rpoplpush("s", "src")
    assert r.lrange("src", 0, -1) == [b"a"]
    assert r.get("s") == b"v"


# --- LMPOP --------------------------------------------------------------------------------------

def test_lmpop(r):
    assert r.lmpop(2, "a", "b", direction="LEFT") is None
    r.rpush("b", "1", "2", "3")
    assert r.lmpop(2, "a", "b", direction="LEFT") == [b"b", [b"1"]]
    assert r.lmpop(2, "a", "b", direction="RIGHT", count=5) == [b"b", [b"3", b"2"]]
    assert r.exists("b") == 0
    r.rpush("a", "x")
    r.rpush("b", "y")
    assert r.lmpop(2, "a", "b", direction="LEFT", count=1) == [b"a", [b"x"]]
    assert r.lmpop(2, "a", "b", direction="LEFT", count=1) == [b"b", [b"y"]]


def test_lmpop_errors(r):
    r.rpush("l", "a")
    r.set("s", "v")
    for numkeys in ("0", "-1", "x"):
        with pytest.raises(redis.ResponseError, match=r"^numkeys should be greater than 0$"):
            r.execute_command("LMPOP", numkeys, "l", "LEFT")
    for args in (("2", "l", "LEFT"), ("1", "l", "UP"), ("1", "l", "LEFT", "COUNT"),
                 ("1", "l", "LEFT", "COUNT", "1", "COUNT", "1"), ("1", "l", "LEFT", "FOO"),
                 ("100", "l", "LEFT")):
        with pytest.raises(redis.ResponseError, match=SYNTAX):
            r.execute_command("LMPOP", *args)
    for count in ("0", "-2", "x"):
        with pytest.raises(redis.ResponseError, match=r"^count should be greater than 0$"):
            r.execute_command("LMPOP", "1", "l", "LEFT", "COUNT", count)
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.execute_command("LMPOP", "2", "s", "l", "LEFT")
    # The first list found answers before a later key of another type is looked at.
    assert r.execute_command("LMPOP", "2", "l", "s", "LEFT") == [b"l", [b"a"]]


def test_lmpop_movable_keys(raw):
    assert raw.call("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT") == [b"a", b"b"]
    info = raw.call("COMMAND", "INFO", "lmpop")[0]
    assert info[:6] == [b"lmpop", -4, [b"write", b"movablekeys"], 0, 0, 0]


# --- Types, encodings, empty keys ---------------------------------------------------------------

def test_wrongtype(r):
    r.set("s", "v")
    commands = [("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"), ("RPUSHX", "s", "a"),
                ("LPOP", "s"), ("RPOP", "s", "1"), ("LLEN", "s"), ("LRANGE", "s", "0", "-1"),
                ("LINDEX", "s", "0"), ("LSET", "s", "0", "x"), ("LINSERT", "s", "BEFORE", "a", "b"),
                ("LREM", "s", "0", "a"), ("LTRIM", "s", "0", "1"), ("LPOS", "s", "a")]
    for command in commands:
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*command)
    assert r.get("s") == b"v"


def test_list_wrongtype_for_strings(r):
    r.rpush("l", "a")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.get("l")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.incr("l")


def test_object_encoding_is_quicklist(r):
    r.rpush("small", "a")
    assert r.object("encoding", "small") == b"quicklist"
    r.rpush("big", *[f"element-{i}" for i in range(2000)])
    assert r.object("encoding", "big") == b"quicklist"


def test_emptied_lists_are_removed(r):
    r.rpush("l", "a", "b")
    r.lpop("l")
    r.rpop("l")
    assert r.exists("l") == 0
    assert r.type("l") == b"none"
    r.rpush("l", "a")
    r.lrem("l", 0, "a")
    assert r.exists("l") == 0


def test_copy_and_rename_keep_list(r, lst):
    assert r.copy(lst, "copy") is True
    r.rpush(lst, "f")
    assert r.lrange("copy", 0, -1) == [b"a", b"b", b"c", b"d", b"e"]
    assert r.rename(lst, "renamed") is True
    assert r.llen("renamed") == 6


def test_binary_elements(r):
    values = [bytes(range(256)), b"", b"\x00\r\n", "é".encode()]
    r.rpush("bin", *values)
    assert r.lrange("bin", 0, -1) == values
    assert r.lpos("bin", b"\x00\r\n") == 2
    assert r.lrem("bin", 0, b"") == 1


def test_large_elements_and_small_node_config(r):
    big = b"x" * 100_000
    r.rpush("l", "a", big, "b")
    assert r.lindex("l", 1) == big
    assert r.lrange("l", 0, -1) == [b"a", big, b"b"]
    old = r.config_get("list-max-listpack-size")["list-max-listpack-size"]
    try:
        r.config_set("list-max-listpack-size", 3)
        r.rpush("small", *[str(i) for i in range(100)])
        assert r.linsert("small", "AFTER", "50", "x") == 101
        assert r.lindex("small", 51) == b"x"
        assert r.lrange("small", 48, 53) == [b"48", b"49", b"50", b"x", b"51", b"52"]
        assert r.lrem("small", 0, "x") == 1
        r.ltrim("small", 10, 89)
        assert r.lrange("small", 0, -1) == [str(i).encode() for i in range(10, 90)]
    finally:
        r.config_set("list-max-listpack-size", old)


def test_hundred_thousand_elements(r):
    n = 100_000
    pipe = r.pipeline(transaction=False)
    for start in range(0, n, 10_000):
        pipe.rpush("big", *[f"v{i}" for i in range(start, start + 10_000)])
    pipe.execute()
    assert r.llen("big") == n
    for index in (0, 1, 4_095, 50_000, 77_777, n - 1):
        assert r.lindex("big", index) == f"v{index}".encode()
        assert r.lindex("big", index - n) == f"v{index}".encode()
    assert r.lrange("big", 49_998, 50_001) == [b"v49998", b"v49999", b"v50000", b"v50001"]
    assert r.lrange("big", -3, -1) == [f"v{i}".encode() for i in range(n - 3, n)]
    whole = r.lrange("big", 0, -1)
    assert len(whole) == n
    assert whole[12_345] == b"v12345"
    assert r.lpos("big", "v99999") == n - 1
    assert r.lpos("big", "v5", rank=-1) == 5
    assert r.lset("big", 60_000, "changed") is True
    assert r.lindex("big", 60_000) == b"changed"
    assert r.linsert("big", "BEFORE", "v70000", "ins") == n + 1
    assert r.lindex("big", 70_000) == b"ins"
    assert r.ltrim("big", 1000, -1001) is True
    assert r.llen("big") == n + 1 - 2000
    assert r.lindex("big", 0) == b"v1000"


# --- Signals: WATCH and keyspace notifications --------------------------------------------------

def test_move_breaks_watch_on_destination(r, shared_server):
    skip_unless_command(r, "UNWATCH")
    r.rpush("src", "a")
    other = redis.Redis(host="127.0.0.1", port=shared_server.port)
    try:
        with r.pipeline() as pipe:
            pipe.watch("dst")
            other.lmove("src", "dst", "LEFT", "LEFT")
            pipe.multi()
            pipe.get("x")
            with pytest.raises(redis.WatchError):
                pipe.execute()
    finally:
        other.close()


def test_read_and_noop_writes_keep_watch(r):
    skip_unless_command(r, "UNWATCH")
    r.rpush("l", "a")
    with r.pipeline() as pipe:
        pipe.watch("l")
        r.lrange("l", 0, -1)
        r.lrem("l", 0, "zz")
        r.lpushx("nokey", "a")
        pipe.multi()
        pipe.llen("l")
        assert pipe.execute() == [1]


def test_keyspace_events_for_changes(r, shared_server):
    def action():
        r.rpush("l", "a", "b", "c")
        r.lpush("l", "z")
        r.lset("l", 0, "y")
        r.linsert("l", "AFTER", "y", "x")
        r.linsert("l", "AFTER", "nothere", "x")
        r.lrem("l", 0, "x")
        r.lrem("l", 0, "nothere")
        r.ltrim("l", 0, -1)
        r.lpop("l")
        r.rpop("l", 5)
    assert keyevents(r, action) == [
        ("rpush", "l"), ("lpush", "l"), ("lset", "l"), ("linsert", "l"), ("lrem", "l"), ("ltrim", "l"),
        ("lpop", "l"), ("rpop", "l"), ("del", "l")]


def test_keyspace_events_for_moves(r, shared_server):
    def action():
        r.rpush("src", "a", "b")
        r.lmove("src", "dst", "LEFT", "RIGHT")
        r.rpoplpush("src", "dst")
        r.lmpop(1, "dst", direction="LEFT", count=2)
    # Redis 7.0 sends the destination's push before the source's pop.
    assert keyevents(r, action) == [
        ("rpush", "src"), ("rpush", "dst"), ("lpop", "src"), ("lpush", "dst"), ("rpop", "src"),
        ("del", "src"), ("lpop", "dst"), ("del", "dst")]
