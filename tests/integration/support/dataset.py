"""A dataset holding every type in each of its encodings, and a value-by-value picture of a server's
keyspace, for persistence and interop tests (RDB, AOF, DUMP/RESTORE between Tandem and Redis)."""
# Far enough ahead that no test outlives it; TTLs are compared to the second.
TTL_MS = 3_600_000


def fill_every_type(r, streams=True, dbs=(0, 1)):
    """Writes strings, lists, sets, sorted sets, hashes, HyperLogLogs and (optionally) streams with
    consumer groups, small (compact encodings) and large, with and without TTLs, in `dbs`."""
    for db in dbs:
        r.execute_command("SELECT", db)
        p = r.pipeline(transaction=False)
        p.set("str:small", "hello")
        p.set("str:int", "12345")
        p.set("str:negint", "-70000")
        p.set("str:bigint", "9223372036854775807")
        p.set("str:long", "abc" * 400)           # compressible
        p.set("str:binary", bytes(range(256)))
        p.set("str:empty", "")
        p.set("str:ttl", "v", px=TTL_MS)
        p.rpush("list:small", "a", "1", "-5", "300", "70000", "x" * 50)
        p.rpush("list:large", *[f"item-{i}" for i in range(2000)])
        p.rpush("list:ints", *range(-1000, 1000, 7))
        p.sadd("set:ints", 1, 2, 3, -4, 2**40)
        p.sadd("set:strings", "a", "b", "c", "longer member")
        p.sadd("set:large", *[f"m{i}" for i in range(600)])
        p.zadd("zset:small", {"a": 1, "b": 2.5, "c": -3, "d": 1e300, "e": 0.1})
        p.zadd("zset:large", {f"m{i}": i * 1.5 for i in range(300)})
        p.zadd("zset:inf", {"lo": float("-inf"), "hi": float("inf")})
        p.hset("hash:small", mapping={"f1": "v1", "f2": "2", "n": "-1"})
        p.hset("hash:large", mapping={f"f{i}": f"v{i}" for i in range(700)})
        p.hset("hash:longval", mapping={"f": "y" * 100})
        p.hset("hash:ttl", mapping={"a": "b"})
        p.pexpire("hash:ttl", TTL_MS)
        p.pfadd("hll:sparse", "a", "b", "c")
        p.pfadd("hll:dense", *[f"e{i}" for i in range(5000)])
        p.execute()
        if streams:
            for i in range(250):
                r.xadd("stream:s", {"f": i, "g": "v" * (i % 5)}, id=f"{1000 + i}-{i % 3}")
            r.xadd("stream:s", {"other": "fields"}, id="2000-0")
            r.xdel("stream:s", "1005-2", "1010-1")
            r.xgroup_create("stream:s", "g1", id="0")
            r.xgroup_create("stream:s", "g2", id="1100-0")
            r.xreadgroup("g1", "alice", {"stream:s": ">"}, count=3)
            r.xreadgroup("g1", "bob", {"stream:s": ">"}, count=2)
            r.xack("stream:s", "g1", "1000-0")
            r.xadd("stream:empty", {"a": "b"}, id="5-5")
            r.xdel("stream:empty", "5-5")
    r.execute_command("SELECT", 0)


def _stream(r, key):
    entries = r.xrange(key)
    info = r.xinfo_stream(key)
    groups = []
    for g in r.xinfo_groups(key):
        pending = r.xpending_range(key, g["name"], "-", "+", 1000)
        consumers = sorted((c["name"], c["pending"]) for c in r.xinfo_consumers(key, g["name"]))
        groups.append((g["name"], g["last-delivered-id"], g.get("entries-read"),
                       [(p["message_id"], p["consumer"], p["times_delivered"]) for p in pending],
                       consumers))
    meta = (info["length"], info["last-generated-id"], info.get("max-deleted-entry-id"),
            info.get("entries-added"), info.get("recorded-first-entry-id"))
    return (entries, meta, sorted(groups))


def snapshot(r, dbs=(0, 1)):
    """{(db, key): (type, value, absolute expire time in ms or -1)} for every key in `dbs`."""
    out = {}
    for db in dbs:
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            kind = r.type(key).decode()
            if kind == "string":
                value = r.get(key)
            elif kind == "list":
                value = r.lrange(key, 0, -1)
            elif kind == "set":
                value = sorted(r.smembers(key))
            elif kind == "zset":
                value = r.zrange(key, 0, -1, withscores=True)
            elif kind == "hash":
                value = sorted(r.hgetall(key).items())
            elif kind == "stream":
                value = _stream(r, key)
            else:
                value = None
            out[(db, key)] = (kind, value, r.pexpiretime(key))
    r.execute_command("SELECT", 0)
    return out


def assert_same(expected, actual, expire_slack_ms=0):
    """Compares two snapshots key by key with a readable first difference; expire times may differ
    by expire_slack_ms (a copy through PTTL + RESTORE moves them a little; files keep them)."""
    assert sorted(expected) == sorted(actual), "different key sets"
    for k, (kind, value, expire_at) in expected.items():
        akind, avalue, aexpire_at = actual[k]
        assert (kind, value) == (akind, avalue), f"{k} differs"
        assert (expire_at < 0) == (aexpire_at < 0), f"{k} TTL presence differs"
        assert abs(expire_at - aexpire_at) <= expire_slack_ms, f"{k} expires {expire_at} vs {aexpire_at}"
