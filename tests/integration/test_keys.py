"""Keyspace commands: DEL/EXISTS/TYPE, KEYS and SCAN, renames and copies across databases, expiry commands,
OBJECT introspection, and expiry itself (lazy on access, active in the background, millisecond precision)."""
import contextlib
import time

import pytest
import redis

from support.resp_socket import RawConnection
from support.waits import wait_until

NOT_INTEGER = r"^value is not an integer or out of range$"
SYNTAX = r"^syntax error$"
OUT_OF_RANGE = r"^DB index is out of range$"
SAME_OBJECT = r"^source and destination objects are the same$"
LFU_NOT_SELECTED = (r"^An LFU maxmemory policy is not selected, access frequency not tracked\. Please note that when "
                    r"switching between policies at runtime LRU and LFU data will take some time to adjust\.$")
LFU_SELECTED = (r"^An LFU maxmemory policy is selected, idle time not tracked\. Please note that when switching "
                r"between policies at runtime LRU and LFU data will take some time to adjust\.$")


def invalid_expire(command):
    return rf"^invalid expire time in '{command}' command$"


@pytest.fixture
def db_conn(r, shared_server):
    """Returns db(index) -> a raw connection that has selected that database; all closed at teardown."""
    with contextlib.ExitStack() as stack:
        def open_db(index):
            conn = stack.enter_context(RawConnection(shared_server.port))
            assert conn.call("SELECT", index) == b"OK"
            return conn
        yield open_db


@contextlib.contextmanager
def active_expire(r, enabled):
    """Turns the background expiry cycle on or off for the block, and back on afterwards."""
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1 if enabled else 0)
    try:
        yield
    finally:
        r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1)


@contextlib.contextmanager
def config(r, name, value):
    old = r.config_get(name)[name]
    r.config_set(name, value)
    try:
        yield
    finally:
        r.config_set(name, old)


def full_scan(r, *, match=None, count=None, type_=None, between_calls=None, timeout=20.0):
    """Every key a complete SCAN iteration returns (a list, duplicates kept); between_calls(i) runs after call i."""
    keys = []
    cursor = 0
    calls = 0
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline, "SCAN iteration did not finish"
        cursor, batch = r.scan(cursor, match=match, count=count, _type=type_)
        keys += batch
        calls += 1
        if cursor == 0:
            return keys
        if between_calls:
            between_calls(calls)


# --- DEL / UNLINK / EXISTS / TYPE ----------------------------------------------------------------

@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_del_unlink_count_removed(r, command):
    r.mset({"a": 1, "b": 2})
    assert r.execute_command(command, "a", "b", "missing", "a") == 2
    assert r.exists("a", "b") == 0
    assert r.execute_command(command, "a") == 0


@pytest.mark.parametrize("command", ["DEL", "UNLINK", "EXISTS"])
def test_key_commands_arity(r, command):
    with pytest.raises(redis.ResponseError, match=rf"^wrong number of arguments for '{command.lower()}' command$"):
        r.execute_command(command)


def test_exists_counts_duplicates(r):
    r.set("a", 1)
    assert r.exists("a") == 1
    assert r.exists("a", "a", "a") == 3
    assert r.exists("a", "missing", "a") == 2
    assert r.exists("missing") == 0


def test_type(raw):
    raw.call("SET", "s", "v")
    raw.send_command("TYPE", "s")
    assert raw.read_frame() == b"+string\r\n"
    raw.send_command("TYPE", "missing")
    assert raw.read_frame() == b"+none\r\n"


def test_type_of_integer_value_is_string(r):
    r.set("n", 42)
    assert r.type("n") == b"string"


# --- KEYS ----------------------------------------------------------------------------------------

@pytest.fixture
def glob_keys(r):
    names = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo", "foo", "foo:1", "foo:22"]
    r.mset({name: 1 for name in names})
    return names


@pytest.mark.parametrize("pattern,expected", [
    ("*", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo", "foo", "foo:1", "foo:22"]),
    ("h?llo", ["hello", "hallo", "hxllo", "h*llo", "h?llo"]),
    ("h*llo", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo"]),
    ("h[ae]llo", ["hello", "hallo"]),
    ("h[^e]llo", ["hallo", "hxllo", "h*llo", "h?llo"]),
    ("h[a-f]llo", ["hello", "hallo"]),
    (r"h\*llo", ["h*llo"]),
    (r"h\?llo", ["h?llo"]),
    (r"h\[a\]llo", ["h[a]llo"]),
    ("foo:?", ["foo:1"]),
    ("foo:*", ["foo:1", "foo:22"]),
    ("nomatch*", []),
])
def test_keys_glob(r, glob_keys, pattern, expected):
    assert sorted(r.keys(pattern)) == sorted(name.encode() for name in expected)


def test_keys_binary_names(r):
    r.set(b"bin\x00key", 1)
    r.set(b"bin\xffkey", 1)
    assert sorted(r.keys(b"bin?key")) == [b"bin\x00key", b"bin\xffkey"]


def test_keys_skips_expired(r):
    with active_expire(r, False):
        r.set("live", 1)
        r.set("dying", 1, px=50)
        time.sleep(0.1)
        assert r.keys("*") == [b"live"]


# --- SCAN ----------------------------------------------------------------------------------------

def test_scan_returns_every_key(r):
    names = {f"key:{i}".encode() for i in range(1000)}
    r.mset({name: 1 for name in names})
    assert set(full_scan(r, count=50)) == names
    assert set(full_scan(r)) == names


def test_scan_match_and_count(r):
    r.mset({f"user:{i}": 1 for i in range(200)})
    r.mset({f"order:{i}": 1 for i in range(200)})
    assert set(full_scan(r, match="user:1?", count=7)) == {f"user:1{i}".encode() for i in range(10)}
    assert len(set(full_scan(r, match="order:*", count=1000))) == 200


def test_scan_type_filter(r):
    r.mset({f"s{i}": 1 for i in range(50)})
    assert len(set(full_scan(r, type_="string"))) == 50
    assert full_scan(r, type_="hash") == []
    assert full_scan(r, type_="nosuchtype") == []


def test_scan_reply_shape(raw):
    raw.call("SET", "only", "1")
    raw.send_command("SCAN", "0")
    assert raw.read_frame() == b"*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n"


def test_scan_empty_database(r):
    assert r.scan(0) == (0, [])


@pytest.mark.parametrize("cursor", ["abc", "18446744073709551616", "1.5"])
def test_scan_invalid_cursor(r, cursor):
    with pytest.raises(redis.ResponseError, match=r"^invalid cursor$"):
        r.execute_command("SCAN", cursor)


@pytest.mark.parametrize("options,error", [(["COUNT", "0"], SYNTAX), (["COUNT", "-1"], SYNTAX),
                                           (["COUNT", "abc"], NOT_INTEGER), (["FOO", "bar"], SYNTAX),
                                           (["TYPE"], SYNTAX), (["MATCH"], SYNTAX)])
def test_scan_option_errors(r, options, error):
    with pytest.raises(redis.ResponseError, match=error):
        r.execute_command("SCAN", "0", *options)


def test_scan_guarantee_while_table_grows_and_shrinks(r):
    # A key present for the whole iteration must be returned at least once, whatever rehashing the other keys
    # cause. 20,000 churn keys are added during the first calls (the table grows several times over) and
    # deleted during the next ones; a pause then lets the server shrink the table (2,000 keys in a table
    # sized for 22,000 is under its 10% fill floor) while the iteration is still under way.
    stable = {f"stable:{i}".encode() for i in range(2000)}
    r.mset({name: 1 for name in stable})
    batch, batches = 1000, 20
    churn = [f"churn:{i}" for i in range(batch * batches)]

    def mutate(call):
        step = call - 1
        if step < batches:
            r.mset({name: 1 for name in churn[step * batch:(step + 1) * batch]})
        elif step < 2 * batches:
            step -= batches
            r.delete(*churn[step * batch:(step + 1) * batch])
        elif step == 2 * batches:
            time.sleep(0.3)

    seen = full_scan(r, count=20, between_calls=mutate)
    missing = stable - set(seen)
    assert not missing, f"{len(missing)} stable keys never returned, e.g. {sorted(missing)[:5]}"
    assert r.dbsize() == len(stable)


# --- RANDOMKEY -----------------------------------------------------------------------------------

def test_randomkey(r):
    assert r.randomkey() is None
    r.set("only", 1)
    assert r.randomkey() == b"only"
    r.mset({"a": 1, "b": 2, "c": 3})
    seen = {r.randomkey() for _ in range(200)}
    assert seen <= {b"only", b"a", b"b", b"c"}
    assert len(seen) >= 2


# --- RENAME / RENAMENX ---------------------------------------------------------------------------

def test_rename_moves_value_and_ttl(r):
    r.set("src", "v", ex=100)
    r.set("dst", "old")
    assert r.rename("src", "dst") is True
    assert r.exists("src") == 0
    assert r.get("dst") == b"v"
    assert 99 <= r.ttl("dst") <= 100


def test_rename_clears_destination_ttl(r):
    r.set("src", "v")
    r.set("dst", "old", ex=100)
    r.rename("src", "dst")
    assert r.ttl("dst") == -1


def test_rename_same_key(r):
    r.set("k", "v", ex=100)
    assert r.rename("k", "k") is True
    assert r.get("k") == b"v"
    assert 99 <= r.ttl("k") <= 100


@pytest.mark.parametrize("command", ["RENAME", "RENAMENX"])
@pytest.mark.parametrize("target", ["other", "missing"])
def test_rename_missing_key(r, command, target):
    with pytest.raises(redis.ResponseError, match=r"^no such key$"):
        r.execute_command(command, "missing", target)


def test_renamenx(r):
    r.mset({"a": "1", "b": "2"})
    assert r.renamenx("a", "b") is False
    assert r.mget("a", "b") == [b"1", b"2"]
    assert r.renamenx("a", "c") is True
    assert r.mget("a", "c") == [None, b"1"]
    assert r.renamenx("c", "c") is False


# --- COPY / MOVE / SWAPDB ------------------------------------------------------------------------

def test_copy_same_db(r):
    r.set("src", "v", ex=100)
    assert r.copy("src", "dst") is True
    assert r.get("dst") == b"v"
    assert 99 <= r.ttl("dst") <= 100
    r.set("src", "changed")
    assert r.get("dst") == b"v"  # a copy, not a shared value
    assert r.copy("src", "dst") is False
    assert r.get("dst") == b"v"
    assert r.copy("src", "dst", replace=True) is True
    assert r.get("dst") == b"changed"
    assert r.copy("missing", "other") is False
    assert r.exists("other") == 0


def test_copy_to_other_db(r, db_conn):
    r.set("src", "v")
    assert r.copy("src", "dst", destination_db=1) is True
    assert r.exists("dst") == 0
    db1 = db_conn(1)
    assert db1.call("GET", "dst") == b"v"
    assert r.copy("src", "src", destination_db=1) is True
    assert db1.call("GET", "src") == b"v"


def test_copy_errors(r):
    r.set("src", "v")
    with pytest.raises(redis.ResponseError, match=SAME_OBJECT):
        r.copy("src", "src")
    for db in ("16", "-1"):
        with pytest.raises(redis.ResponseError, match=OUT_OF_RANGE):
            r.execute_command("COPY", "src", "dst", "DB", db)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("COPY", "src", "dst", "DB", "abc")
    with pytest.raises(redis.ResponseError, match=SYNTAX):
        r.execute_command("COPY", "src", "dst", "FOO")


def test_move(r, db_conn):
    r.set("k", "v", ex=100)
    assert r.move("k", 1) is True
    assert r.exists("k") == 0
    db1 = db_conn(1)
    assert db1.call("GET", "k") == b"v"
    assert 99 <= db1.call("TTL", "k") <= 100
    r.set("k", "again")
    assert r.move("k", 1) is False  # exists in the destination: nothing moves
    assert r.get("k") == b"again"
    assert db1.call("GET", "k") == b"v"
    assert r.move("missing", 1) is False


def test_move_errors(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=SAME_OBJECT):
        r.move("k", 0)
    with pytest.raises(redis.ResponseError, match=OUT_OF_RANGE):
        r.move("k", 16)
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command("MOVE", "k", "abc")


def test_swapdb(r, db_conn):
    r.set("in0", "zero")
    db1 = db_conn(1)
    db1.call("SET", "in1", "one")
    assert r.swapdb(0, 1) is True
    # Connections stay on their index and see the other database's data.
    assert r.keys("*") == [b"in1"]
    assert db1.call("KEYS", "*") == [b"in0"]
    assert r.swapdb(0, 0) is True
    assert r.keys("*") == [b"in1"]


def test_swapdb_errors(r):
    for args in (("0", "16"), ("0", "-1"), ("16", "0")):
        with pytest.raises(redis.ResponseError, match=OUT_OF_RANGE):
            r.execute_command("SWAPDB", *args)
    with pytest.raises(redis.ResponseError, match=r"^invalid first DB index$"):
        r.execute_command("SWAPDB", "a", "1")
    with pytest.raises(redis.ResponseError, match=r"^invalid second DB index$"):
        r.execute_command("SWAPDB", "0", "b")


# --- EXPIRE family, TTL, PERSIST, TOUCH ----------------------------------------------------------

def test_expire_and_ttl(r):
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.expire("k", 100) is True
    assert 99 <= r.ttl("k") <= 100
    assert 99000 <= r.pttl("k") <= 100000
    assert r.pexpire("k", 50000) is True
    assert 49000 <= r.pttl("k") <= 50000
    assert r.expire("missing", 100) is False


def test_ttl_missing_key(r):
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r.expiretime("missing") == -2
    assert r.pexpiretime("missing") == -2


def test_expireat_and_expiretime(r):
    r.set("k", "v")
    at = int(time.time()) + 1000
    assert r.expireat("k", at) is True
    assert r.expiretime("k") == at
    assert r.pexpiretime("k") == at * 1000
    pat = (int(time.time()) + 500) * 1000 + 600
    assert r.pexpireat("k", pat) is True
    assert r.pexpiretime("k") == pat
    assert r.expiretime("k") == pat // 1000 + 1  # rounded to the nearest second
    assert r.pexpireat("k", pat - 200) is True
    assert r.expiretime("k") == pat // 1000
    r.persist("k")
    assert r.expiretime("k") == -1
    assert r.pexpiretime("k") == -1


@pytest.mark.parametrize("command,value", [("EXPIRE", "0"), ("EXPIRE", "-1"), ("PEXPIRE", "-100"),
                                           ("EXPIREAT", "1"), ("PEXPIREAT", "0"), ("PEXPIREAT", "1000")])
def test_expire_in_the_past_deletes(r, command, value):
    r.set("k", "v")
    assert r.execute_command(command, "k", value) == 1
    assert r.exists("k") == 0
    assert r.get("k") is None


def test_expire_nx_xx(r):
    r.set("k", "v")
    assert r.expire("k", 100, xx=True) is False
    assert r.ttl("k") == -1
    assert r.expire("k", 100, nx=True) is True
    assert r.expire("k", 200, nx=True) is False
    assert 99 <= r.ttl("k") <= 100
    assert r.expire("k", 50, xx=True) is True
    assert 49 <= r.ttl("k") <= 50


def test_expire_gt_lt(r):
    r.set("k", "v")
    # Without a TTL the key counts as living forever: GT never applies, LT always does.
    assert r.expire("k", 100, gt=True) is False
    assert r.ttl("k") == -1
    assert r.expire("k", 100, lt=True) is True
    assert r.expire("k", 50, gt=True) is False
    assert r.expire("k", 200, gt=True) is True
    assert 199 <= r.ttl("k") <= 200
    assert r.expire("k", 300, lt=True) is False
    assert r.expire("k", 10, lt=True) is True
    assert 9 <= r.ttl("k") <= 10
    assert r.pexpire("k", 5000, lt=True) is True
    assert r.expireat("k", int(time.time()) + 100, gt=True) is True
    assert r.pexpireat("k", int(time.time() * 1000) + 1000, gt=True) is False


def test_expire_negative_with_conditions(r):
    r.set("k", "v", ex=100)
    assert r.execute_command("EXPIRE", "k", "-1", "GT") == 0
    assert r.exists("k") == 1
    assert r.execute_command("EXPIRE", "k", "-1", "LT") == 1
    assert r.exists("k") == 0


@pytest.mark.parametrize("options,error", [
    (["NX", "XX"], r"^NX and XX, GT or LT options at the same time are not compatible$"),
    (["NX", "GT"], r"^NX and XX, GT or LT options at the same time are not compatible$"),
    (["NX", "LT"], r"^NX and XX, GT or LT options at the same time are not compatible$"),
    (["GT", "LT"], r"^GT and LT options at the same time are not compatible$"),
    (["FOO"], r"^Unsupported option FOO$"),
])
@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_option_errors(r, command, options, error):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=error):
        r.execute_command(command, "k", "100", *options)
    assert r.ttl("k") == -1


@pytest.mark.parametrize("command,value", [("EXPIRE", str(2**63 - 1)), ("PEXPIRE", str(2**63 - 1)),
                                           ("EXPIREAT", str(2**63 - 1)), ("EXPIRE", "9223372036854775"),
                                           ("EXPIRE", str(-(2**63)))])
def test_expire_overflow(r, command, value):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=invalid_expire(command.lower())):
        r.execute_command(command, "k", value)
    assert r.ttl("k") == -1


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_not_integer(r, command):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=NOT_INTEGER):
        r.execute_command(command, "k", "1.5")


def test_persist(r):
    r.set("k", "v", ex=100)
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.persist("k") is False
    assert r.persist("missing") is False


def test_touch_counts_existing(r):
    r.mset({"a": 1, "b": 2})
    assert r.touch("a", "missing", "b", "a") == 3


# --- OBJECT --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,encoding", [
    ("hello", b"embstr"), ("123", b"int"), ("-9223372036854775808", b"int"), ("9223372036854775807", b"int"),
    ("9223372036854775808", b"embstr"), ("0123", b"embstr"), ("1.5", b"embstr"), ("x" * 44, b"embstr"),
    ("x" * 45, b"raw"), ("", b"embstr"),
])
def test_object_encoding(r, value, encoding):
    r.set("k", value)
    assert r.object("encoding", "k") == encoding


def test_object_encoding_after_changes(r):
    r.set("k", "abc")
    r.append("k", "d")
    assert r.object("encoding", "k") == b"raw"
    r.set("n", "10")
    r.incr("n")
    assert r.object("encoding", "n") == b"int"
    r.set("f", "1")
    r.incrbyfloat("f", "0.5")
    assert r.object("encoding", "f") == b"embstr"


def test_object_missing_key_is_nil(raw):
    for sub in ("ENCODING", "IDLETIME", "REFCOUNT", "FREQ"):
        raw.send_command("OBJECT", sub, "missing")
        assert raw.read_frame() == b"$-1\r\n"


def test_object_refcount(r):
    r.set("k", "not shared")
    assert r.object("refcount", "k") == 1


def test_object_freq_requires_lfu(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=LFU_NOT_SELECTED):
        r.object("freq", "k")


def test_object_freq_with_lfu_policy(r):
    with config(r, "maxmemory-policy", "allkeys-lfu"):
        r.set("k", "v")
        # A new key starts at the LFU initial counter; the first access always increments it.
        assert r.object("freq", "k") == 5
        r.get("k")
        assert r.object("freq", "k") == 6
        with pytest.raises(redis.ResponseError, match=LFU_SELECTED):
            r.object("idletime", "k")


def test_object_idletime(r):
    # Distinct non-integer values: small integers may be one shared object whose access time is shared too.
    r.mset({"idle": "idle value", "busy": "busy value"})
    assert r.object("idletime", "idle") == 0
    time.sleep(1.2)
    r.get("busy")
    idle = r.object("idletime", "idle")
    assert 1 <= idle <= 2
    assert r.object("idletime", "busy") == 0
    # OBJECT itself does not count as an access.
    assert r.object("idletime", "idle") >= idle
    r.touch("idle")
    assert r.object("idletime", "idle") == 0


def test_object_errors(r):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=r"^unknown subcommand 'FOO'\. Try OBJECT HELP\.$"):
        r.execute_command("OBJECT", "FOO", "k")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'object\|encoding' command$"):
        r.execute_command("OBJECT", "ENCODING")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'object' command$"):
        r.execute_command("OBJECT")


# --- Expiry: lazy, active, precision -------------------------------------------------------------

def test_lazy_expiry_on_access(r):
    with active_expire(r, False):
        r.set("k", "v", px=100)
        r.set("keep", "v")
        time.sleep(0.2)
        # Not reclaimed yet (nothing touched it, the cycle is off), but invisible to every read.
        assert r.dbsize() == 2
        assert r.exists("k") == 0
        assert r.dbsize() == 1
        r.set("k2", "v", px=100)
        time.sleep(0.2)
        assert r.get("k2") is None
        assert r.ttl("k2") == -2
        assert r.dbsize() == 1


def test_active_expiry_without_access(r):
    r.mset({"keep1": 1, "keep2": 2})
    pipe = r.pipeline(transaction=False)
    for i in range(1000):
        pipe.set(f"short:{i}", "v", px=100)
    pipe.execute()
    assert r.dbsize() >= 900  # most are still there (some may already be gone on a slow machine)
    wait_until(lambda: r.dbsize() == 2, "dbsize == 2", 10.0, state=lambda: f"dbsize {r.dbsize()}")
    assert r.mget("keep1", "keep2") == [b"1", b"2"]
    assert r.info("stats")["expired_keys"] >= 1000


def test_active_expiry_returns_memory(r):
    value = b"x" * 1000
    count = 20000
    baseline = r.info("memory")["used_memory"]
    pipe = r.pipeline(transaction=False)
    # 1.5 s: loading must finish before the first key expires, even on a busy 2-core machine.
    for i in range(count):
        pipe.set(f"mem:{i}", value, px=1500)
    pipe.execute()
    grown = r.info("memory")["used_memory"]
    assert grown - baseline >= count * len(value) * 0.8
    wait_until(lambda: r.dbsize() == 0, "dbsize == 0", 20.0, state=lambda: f"dbsize {r.dbsize()}")
    after = r.info("memory")["used_memory"]
    assert after - baseline <= (grown - baseline) * 0.2, (baseline, grown, after)


def test_millisecond_precision(r):
    # Timing-sensitive: a trial counts only if the first read really happened before the deadline.
    for _ in range(5):
        r.delete("k")
        start = time.monotonic()
        r.set("k", "v", px=150)
        pttl = r.pttl("k")
        time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
        alive = r.get("k")
        if time.monotonic() - start >= 0.14:
            continue
        assert 90 <= pttl <= 150
        assert alive == b"v"
        time.sleep(max(0.0, 0.3 - (time.monotonic() - start)))
        assert r.get("k") is None
        assert r.exists("k") == 0
        return
    pytest.fail("machine too slow: could not read the key within 140 ms of setting it")
