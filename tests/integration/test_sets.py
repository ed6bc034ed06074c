"""Set commands: membership, SMOVE, SPOP/SRANDMEMBER, the algebra and its STORE forms, SSCAN, encodings,
RESP3 set replies and keyspace notifications."""
import collections
import time

import pytest
import redis

from support.resp_socket import RawConnection

WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"
SYNTAX = r"^syntax error$"
NOT_INTEGER = r"^value is not an integer or out of range$"
MUST_BE_POSITIVE = r"^value is out of range, must be positive$"


def members(values):
    return {v.decode() if isinstance(v, bytes) else v for v in values}


# --- SADD / SREM / SISMEMBER / SMISMEMBER / SCARD / SMEMBERS ---------------------------------------

def test_sadd_srem_and_reads(r):
    assert r.sadd("s", "a", "b", "a") == 2
    assert r.sadd("s", "b", "c") == 1
    assert r.scard("s") == 3
    assert members(r.smembers("s")) == {"a", "b", "c"}
    assert r.sismember("s", "a") is True
    assert r.sismember("s", "z") is False
    assert r.smismember("s", ["a", "z", "c"]) == [1, 0, 1]
    assert r.smismember("missing", ["a", "b"]) == [0, 0]
    assert r.scard("missing") == 0
    assert r.smembers("missing") == set()
    assert r.srem("s", "a", "z") == 1
    assert r.srem("missing", "a") == 0
    assert members(r.smembers("s")) == {"b", "c"}


def test_emptied_set_is_removed(r):
    r.sadd("s", "a", "b")
    assert r.srem("s", "a", "b", "c") == 2
    assert r.exists("s") == 0
    r.sadd("s", "x")
    assert r.spop("s") == b"x"
    assert r.exists("s") == 0
    r.sadd("src", "m")
    assert r.smove("src", "dst", "m") is True
    assert r.exists("src") == 0
    r.sadd("p", "1", "2")
    assert len(r.spop("p", 5)) == 2
    assert r.exists("p") == 0


def test_wrongtype_everywhere(r):
    r.set("str", "x")
    r.sadd("s", "a")
    calls = [
        ("SADD", "str", "a"), ("SREM", "str", "a"), ("SMEMBERS", "str"), ("SISMEMBER", "str", "a"),
        ("SMISMEMBER", "str", "a"), ("SCARD", "str"), ("SPOP", "str"), ("SPOP", "str", "0"),
        ("SRANDMEMBER", "str"), ("SRANDMEMBER", "str", "-1"), ("SMOVE", "str", "s", "a"),
        ("SMOVE", "s", "str", "a"), ("SINTER", "missing", "str"), ("SINTERCARD", "2", "missing", "str"),
        ("SINTERSTORE", "d", "missing", "str"), ("SUNION", "s", "str"), ("SUNIONSTORE", "d", "str"),
        ("SDIFF", "missing", "str"), ("SDIFFSTORE", "d", "s", "str"), ("SSCAN", "str", "0"),
    ]
    for call in calls:
        with pytest.raises(redis.ResponseError, match=WRONGTYPE):
            r.execute_command(*call)
    assert r.get("str") == b"x"
    assert r.exists("d") == 0
    assert r.scard("s") == 1


# --- Encodings ---------------------------------------------------------------------------------------

def test_intset_encoding_up_to_the_limit(r):
    r.sadd("s", *range(512))
    assert r.object("encoding", "s") == b"intset"
    r.sadd("s", 511)  # already a member: still within the limit
    assert r.object("encoding", "s") == b"intset"
    r.sadd("s", 512)
    assert r.object("encoding", "s") == b"hashtable"
    r.srem("s", *range(500))
    assert r.object("encoding", "s") == b"hashtable"  # conversion is one-way


@pytest.mark.parametrize("member", ["a", "01", "+1", "-0", " 1", "1.5", "9223372036854775808"])
def test_non_canonical_integers_need_a_hashtable(r, member):
    r.sadd("s", "1", "-9223372036854775808", "9223372036854775807")
    assert r.object("encoding", "s") == b"intset"
    r.sadd("s", member)
    assert r.object("encoding", "s") == b"hashtable"
    assert r.sismember("s", member) is True
    assert r.sismember("s", "1") is True


def test_config_set_max_intset_entries(r):
    try:
        r.config_set("set-max-intset-entries", 3)
        r.sadd("s", 1, 2, 3)
        assert r.object("encoding", "s") == b"intset"
        r.sadd("s", 4)
        assert r.object("encoding", "s") == b"hashtable"
        r.sadd("big", *range(10))
        assert r.object("encoding", "big") == b"hashtable"
        r.config_set("set-max-intset-entries", 0)
        r.sadd("zero", 1)
        assert r.object("encoding", "zero") == b"hashtable"
        assert r.config_get("set-max-intset-entries") == {"set-max-intset-entries": "0"}
    finally:
        r.config_set("set-max-intset-entries", 512)


def test_store_results_take_the_encoding_their_members_allow(r):
    r.sadd("ints", 1, 2, 3)
    r.sadd("mixed", 1, "a")
    r.sunionstore("d", "ints")
    assert r.object("encoding", "d") == b"intset"
    r.sunionstore("d", "ints", "mixed")
    assert r.object("encoding", "d") == b"hashtable"
    r.sinterstore("d", "mixed", "ints")
    assert r.object("encoding", "d") == b"intset"


def test_intset_members_come_back_sorted(raw):
    raw.call("SADD", "s", 5, -3, 100000, 2)
    assert raw.call("SMEMBERS", "s") == [b"-3", b"2", b"5", b"100000"]


# --- SMOVE -------------------------------------------------------------------------------------------

def test_smove(r):
    r.sadd("src", "a", "b", "5")
    r.sadd("dst", "b")
    assert r.smove("src", "dst", "a") is True
    assert members(r.smembers("src")) == {"b", "5"}
    assert members(r.smembers("dst")) == {"a", "b"}
    assert r.smove("src", "dst", "zz") is False
    assert r.smove("missing", "dst", "a") is False
    assert r.smove("src", "dst", "b") is True  # already in dst: still leaves src
    assert members(r.smembers("src")) == {"5"}
    assert r.smove("dst", "dst", "a") is True
    assert r.smove("dst", "dst", "zz") is False
    assert r.smove("src", "new", "5") is True
    assert r.object("encoding", "new") == b"intset"
    r.set("str", "x")
    assert r.smove("missing", "str", "a") is False  # a missing source wins over a wrong destination


# --- SPOP / SRANDMEMBER ------------------------------------------------------------------------------

def test_spop_arguments_and_missing_keys(r):
    assert r.spop("missing") is None
    assert r.spop("missing", 3) == []
    r.sadd("s", "a")
    assert r.spop("s", 0) == []
    for bad in ("-1", "x"):
        with pytest.raises(redis.ResponseError, match=MUST_BE_POSITIVE):
            r.execute_command("SPOP", "s", bad)
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("SPOP", "s", "1", "2")
    assert r.scard("s") == 1


def test_spop_with_count_pops_distinct_members(r):
    r.sadd("s", *[f"m{i}" for i in range(100)])
    seen = set()
    for count in (10, 75, 5):
        got = members(r.spop("s", count))
        assert len(got) == count
        assert not (got & seen)
        seen |= got
    assert r.scard("s") == 10
    seen |= members(r.spop("s", 1000))
    assert seen == {f"m{i}" for i in range(100)}
    assert r.exists("s") == 0


def test_spop_distribution(r):
    counts = collections.Counter()
    for _ in range(100):
        r.sadd("s", *range(10))
        while True:
            popped = r.spop("s")
            counts[popped] += 1
            if popped == b"0":  # how soon "0" comes out is uniform over 1..10
                counts["rank"] += 10 - r.scard("s")
                break
        r.delete("s")
    assert len([k for k in counts if k != "rank"]) == 10
    # The mean rank of a uniform pick among 10 is 5.5; allow a wide band for 100 trials.
    assert 4.0 < counts["rank"] / 100 < 7.0


def test_srandmember(r):
    assert r.srandmember("missing") is None
    assert r.srandmember("missing", 5) == []
    r.sadd("s", *range(50))
    assert r.srandmember("s", 0) == []
    for count in (1, 5, 40, 50, 80):
        got = r.srandmember("s", count)
        assert len(got) == min(count, 50)
        assert len(set(got)) == len(got)
        assert members(got) <= {str(i) for i in range(50)}
    repeated = r.srandmember("s", -500)
    assert len(repeated) == 500
    assert len(set(repeated)) < 500
    assert r.scard("s") == 50
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.srandmember("s", "x")
    with pytest.raises(redis.ResponseError, match="value is out of range, value must between"):
        r.srandmember("s", -(2**63))
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("SRANDMEMBER", "s", "1", "2")


@pytest.mark.parametrize("strings", [False, True], ids=["intset", "hashtable"])
def test_srandmember_distribution(r, strings):
    values = [f"m{i}" if strings else str(i) for i in range(10)]
    r.sadd("s", *values)
    counts = collections.Counter(r.srandmember("s", -20000))
    assert set(counts) == {v.encode() for v in values}
    for value, n in counts.items():
        assert 1600 < n < 2400, (value, n)
    # Distinct picks of 5 out of 10: every member shows up about half the time.
    picks = collections.Counter()
    for _ in range(400):
        picks.update(r.srandmember("s", 5))
    for value, n in picks.items():
        assert 120 < n < 280, (value, n)


# --- SINTER / SINTERCARD / SUNION / SDIFF and STORE ------------------------------------------------

def test_algebra(r):
    r.sadd("a", 1, 2, 3, "x")
    r.sadd("b", 2, 3, 4, "x")
    r.sadd("c", 3, "x", "y")
    assert members(r.sinter("a", "b", "c")) == {"3", "x"}
    assert r.sinter("a", "missing") == set()
    assert members(r.sunion("a", "missing", "c")) == {"1", "2", "3", "x", "y"}
    assert members(r.sdiff("a", "b")) == {"1"}
    assert members(r.sdiff("a", "missing")) == {"1", "2", "3", "x"}
    assert r.sdiff("missing", "a") == set()
    assert r.sdiff("a", "c", "a") == set()
    assert r.execute_command("SINTERCARD", 3, "a", "b", "c") == 2
    assert r.execute_command("SINTERCARD", 2, "a", "b", "LIMIT", 1) == 1
    assert r.execute_command("SINTERCARD", 2, "a", "b", "LIMIT", 0) == 3
    assert r.execute_command("SINTERCARD", 2, "a", "missing") == 0


def test_sintercard_errors(r):
    r.sadd("a", 1)
    cases = [
        (("0", "a"), "^numkeys should be greater than 0$"),
        (("-1", "a"), "^numkeys should be greater than 0$"),
        (("x", "a"), "^numkeys should be greater than 0$"),
        (("3", "a", "b"), "^Number of keys can't be greater than number of args$"),
        (("1", "a", "LIMIT", "-1"), "^LIMIT can't be negative$"),
        (("1", "missing", "LIMIT", "x"), "^LIMIT can't be negative$"),
        (("1", "a", "LIMIT"), SYNTAX),
        (("1", "a", "b"), SYNTAX),
    ]
    for args, error in cases:
        with pytest.raises(redis.ResponseError, match=error):
            r.execute_command("SINTERCARD", *args)


def test_store_overwrites_any_type_and_clears_the_ttl(r):
    r.sadd("a", 1, 2, "x")
    r.sadd("b", 2, "x", "y")
    r.set("d", "string", ex=100)
    assert r.sinterstore("d", "a", "b") == 2
    assert r.type("d") == b"set"
    assert r.ttl("d") == -1
    assert members(r.smembers("d")) == {"2", "x"}
    assert r.sunionstore("d", "a", "b") == 4
    assert members(r.smembers("d")) == {"1", "2", "x", "y"}
    assert r.sdiffstore("d", "a", "b") == 1
    assert members(r.smembers("d")) == {"1"}
    assert r.sunionstore("a", "a", "b") == 4  # the destination is also a source
    assert members(r.smembers("a")) == {"1", "2", "x", "y"}


@pytest.mark.parametrize("call", [
    ("SINTERSTORE", "d", "a", "b"), ("SINTERSTORE", "d", "a", "missing"),
    ("SUNIONSTORE", "d", "missing"), ("SDIFFSTORE", "d", "a", "a"),
])
def test_store_of_an_empty_result_deletes_the_destination(r, call):
    r.sadd("a", 1)
    r.sadd("b", 2)
    r.set("d", "x")
    assert r.execute_command(*call) == 0
    assert r.exists("d") == 0


# --- SSCAN -------------------------------------------------------------------------------------------

def full_sscan(r, key, **kwargs):
    seen, cursor, calls = [], 0, 0
    while True:
        cursor, batch = r.sscan(key, cursor, **kwargs)
        seen.extend(batch)
        calls += 1
        if cursor == 0 or calls > 100000:
            return seen, calls


def test_sscan_of_an_intset_is_one_call(r):
    r.sadd("s", *range(100))
    cursor, batch = r.sscan("s", 0, count=5)
    assert cursor == 0
    assert len(batch) == 100


def test_sscan_completeness_on_1000_members(r):
    r.sadd("s", *[f"member:{i}" for i in range(1000)])
    seen, calls = full_sscan(r, "s", count=25)
    assert calls > 10
    assert members(seen) == {f"member:{i}" for i in range(1000)}


def test_sscan_finds_members_present_throughout_while_the_set_changes(r):
    r.sadd("s", *[f"stay:{i}" for i in range(1000)])
    r.sadd("s", *[f"go:{i}" for i in range(1000)])
    seen, cursor, step = set(), 0, 0
    while True:
        cursor, batch = r.sscan("s", cursor, count=50)
        seen |= members(batch)
        # Shrink by removing the "go" members and grow with new ones, a bit at each step.
        if step < 20:
            r.srem("s", *[f"go:{i}" for i in range(step * 50, step * 50 + 50)])
        elif step < 40:
            r.sadd("s", *[f"new:{step}:{i}" for i in range(100)])
        step += 1
        if cursor == 0 or step > 100000:
            break
    assert {f"stay:{i}" for i in range(1000)} <= seen


def test_sscan_match_and_errors(r):
    r.sadd("s", "apple", "avocado", "banana", "cherry")
    seen, _ = full_sscan(r, "s", match="a*")
    assert members(seen) == {"apple", "avocado"}
    with pytest.raises(redis.ResponseError, match="^invalid cursor$"):
        r.execute_command("SSCAN", "s", "x")
    for args, error in [(("COUNT", "0"), SYNTAX), (("COUNT", "x"), NOT_INTEGER), (("MATCH",), SYNTAX),
                        (("TYPE", "set"), SYNTAX)]:
        with pytest.raises(redis.ResponseError, match=error):
            r.execute_command("SSCAN", "s", "0", *args)
    assert r.execute_command("SSCAN", "missing", "0", "COUNT", "x") == (0, [])


# --- RESP3 -------------------------------------------------------------------------------------------

def test_resp3_set_replies(raw):
    raw.call("HELLO", "3")
    raw.call("SADD", "s", "1", "2")
    for call in (("SMEMBERS", "s"), ("SMEMBERS", "missing"), ("SINTER", "s", "s"), ("SUNION", "s"),
                 ("SDIFF", "s", "missing"), ("SPOP", "missing", "2")):
        raw.send_command(*call)
        assert raw.read_frame().startswith(b"~"), call
    raw.send_command("SMISMEMBER", "s", "1", "9")
    assert raw.read_frame() == b"*2\r\n:1\r\n:0\r\n"
    raw.send_command("SRANDMEMBER", "s", "5")
    assert raw.read_frame().startswith(b"*2\r\n")
    raw.send_command("SPOP", "missing")
    assert raw.read_frame() == b"_\r\n"
    raw.send_command("SPOP", "s", "1")
    assert raw.read_frame().startswith(b"~1\r\n")


def test_resp2_replies(raw):
    raw.call("SADD", "s", "7")
    raw.send_command("SMEMBERS", "s")
    assert raw.read_frame() == b"*1\r\n$1\r\n7\r\n"
    raw.send_command("SPOP", "missing")
    assert raw.read_frame() == b"$-1\r\n"
    raw.send_command("SPOP", "missing", "1")
    assert raw.read_frame() == b"*0\r\n"


# --- Keyspace notifications --------------------------------------------------------------------------

@pytest.fixture
def events(r):
    """Returns read() -> list of (key, event) keyspace notifications published since the last call."""
    try:
        r.config_set("notify-keyspace-events", "KA")
    except redis.ResponseError as err:
        pytest.skip(f"notify-keyspace-events unsupported: {err}")
    p = r.pubsub()
    try:
        p.psubscribe("__keyspace@0__:*")
        assert p.get_message(timeout=2)["type"] == "psubscribe"
    except redis.ResponseError as err:
        p.close()
        r.config_set("notify-keyspace-events", "")
        if "unknown command" in str(err):
            pytest.skip("PSUBSCRIBE not implemented by this server")
        raise

    def read():
        got = []
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            m = p.get_message(timeout=0.05)
            if m is None:
                if got:
                    break
                continue
            got.append((m["channel"].decode().split(":", 1)[1], m["data"].decode()))
        return got

    yield read
    p.close()
    r.config_set("notify-keyspace-events", "")


def test_keyspace_notifications(r, events):
    r.sadd("s", "a", "b")
    r.sadd("s", "a")  # nothing added: no event
    r.srem("s", "zz")  # nothing removed: no event
    assert events() == [("s", "sadd")]
    r.smove("s", "t", "a")
    assert events() == [("s", "srem"), ("t", "sadd")]
    r.smove("s", "t", "b")
    assert events() == [("s", "srem"), ("s", "del"), ("t", "sadd")]
    r.spop("t")
    r.sadd("t", "x", "y")
    r.srem("t", "x", "y", "a", "b")
    assert events()[-3:] == [("t", "sadd"), ("t", "srem"), ("t", "del")]
    r.sadd("a", 1)
    r.sadd("b", 2)
    r.sadd("b", 1)
    events()
    r.sinterstore("d", "a", "b")
    r.sunionstore("d", "a", "b")
    r.sdiffstore("d", "b", "a")
    r.sdiffstore("d", "a", "a")
    assert events() == [("d", "sinterstore"), ("d", "sunionstore"), ("d", "sdiffstore"), ("d", "del")]
    r.spop("b", 5)
    assert events() == [("b", "spop"), ("b", "del")]
