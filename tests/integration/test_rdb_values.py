"""RDB value encodings as DUMP/RESTORE carry them: Tandem's value bytes must equal Redis 7.0's for
the encodings both share, old encodings (ziplist, zipmap, intset, text scores) must restore, and
corrupt payloads must be refused. The expected bytes were recorded from redis-server 7.0; the old
and corrupt payloads are built here from the format specifications (see tests/unit/rdb)."""
import pytest
import redis

from support import dump_payload

BAD_DATA = r"Bad data format"


def payload(body_hex: str) -> bytes:
    return dump_payload.payload(bytes.fromhex(body_hex))


@pytest.fixture(autouse=True)
def payload_settings(r):
    r.config_set("rdbcompression", "no")
    r.config_set("sanitize-dump-payload", "yes")
    yield
    r.config_set("rdbcompression", "yes")
    r.config_set("sanitize-dump-payload", "no")
    for name, value in [("list-max-listpack-size", "-2"), ("zset-max-listpack-entries", "128"),
                        ("hash-max-listpack-entries", "128")]:
        r.config_set(name, value)


# (config, commands, value bytes of the DUMP without its 10-byte footer)
DUMPS = [
    ({}, [("SET", "k", "12345")], "00c13930"),
    ({}, [("SET", "k", "-5")], "00c0fb"),
    ({}, [("SET", "k", "1099511627776")], "000d31303939353131363237373736"),
    ({}, [("SET", "k", "hello")], "000568656c6c6f"),
    ({}, [("RPUSH", "k", "a", "b", "1", "2")], "1201021111000000040081610281620201010201ff"),
    ({"list-max-listpack-size": "2"}, [("RPUSH", "k", "a", "b", "c", "d", "e")],
     "1203020d0d0000000200816102816202ff020d0d0000000200816302816402ff020a0a0000000100816502ff"),
    ({}, [("HSET", "k", "f1", "v1", "n", "5", "neg", "-300")],
     "101c1c00000006008266310382763103816e020501836e656704ded402ff"),
    ({}, [("ZADD", "k", "1", "a", "2.5", "b", "-3", "c", "1e300", "d", "0.1", "e", "inf", "f",
           "-7e20", "g")],
     "114061610000000e00816702862d37652b323007816302dffd0281650293302e3130303030303030303030303030"
     "30303114816102010181620283322e350481640297312e30303030303030303030303030303031652b3330301881"
     "660283696e6604ff"),
    ({}, [("SADD", "k", "1", "2", "3")], "0b0e0200000003000000010002000300"),
    ({}, [("SADD", "k", "1", "-70000", "5")], "0b14040000000300000090eefeff0100000005000000"),
    ({}, [("SADD", "k", "1", "1099511627776")],
     "0b18080000000200000001000000000000000000000000010000"),
    ({"zset-max-listpack-entries": "1"}, [("ZADD", "k", "1", "a", "2.5", "b", "-3", "c")],
     "0503016200000000000004400161000000000000f03f016300000000000008c0"),
    ({}, [("SADD", "k", "member")], "0201066d656d626572"),
    ({"hash-max-listpack-entries": "0"}, [("HSET", "k", "f", "v")], "040101660176"),
]


@pytest.mark.parametrize("config,commands,expected", DUMPS, ids=[d[2][:12] for d in DUMPS])
def test_dump_value_bytes_match_redis(r, config, commands, expected):
    for name, value in config.items():
        r.config_set(name, value)
    for command in commands:
        r.execute_command(*command)
    dumped = r.dump("k")
    assert dumped[:-10].hex() == expected
    assert dumped == payload(expected)


def test_dump_restore_round_trip(r):
    r.rpush("l", *[str(i) for i in range(300)], "x" * 100)
    r.sadd("s", "a", "b", "1")
    r.zadd("z", {"a": 1.5, "b": -2, "c": 1e300})
    r.hset("h", mapping={"f": "v", "n": "7"})
    r.set("big", "q" * 5000)
    r.config_set("rdbcompression", "yes")
    for key in ["l", "s", "z", "h", "big"]:
        r.restore(key + "2", 0, r.dump(key))
    assert r.lrange("l2", 0, -1) == r.lrange("l", 0, -1)
    assert r.smembers("s2") == r.smembers("s")
    assert r.zrange("z2", 0, -1, withscores=True) == r.zrange("z", 0, -1, withscores=True)
    assert r.hgetall("h2") == r.hgetall("h")
    assert r.get("big2") == r.get("big")


OLD = [
    ("0a141400000010000000030000016103016203fef6ff", "quicklist", ["a", "b", "-10"]),
    ("0e0210100000000d000000020000016103f2ff0b0b0000000a0000000000ff", "quicklist", ["a", "1"]),
    ("0d2121000000190000000600000266310402763104016e03f602f80205736576656eff", "listpack",
     {"f1": "v1", "n": "5", "7": "seven"}),
    ("0c262600000020000000080000016303fefd03016103f20201620303322e350501640303696e66ff",
     "listpack", [("c", -3.0), ("a", 1.0), ("b", 2.5), ("d", float("inf"))]),
    ("09120201610102310000026262020232320000ff", "listpack", {"a": "1", "bb": "22"}),
    ("0b0e0200000003000000fbff01002c01", "intset", {"-5", "1", "300"}),
    ("01030161c0050163", "quicklist", ["a", "5", "c"]),
    ("02030161c0050163", "hashtable", {"a", "5", "c"}),
    ("0303016103312e350162fe0163022d32", "listpack", [("c", -2.0), ("a", 1.5), ("b", float("inf"))]),
    ("0402016601760167c13930", "listpack", {"f": "v", "g": "12345"}),
    ("05020161000000000000f83f016200000000000000c0", "listpack", [("b", -2.0), ("a", 1.5)]),
    ("12020105706c61696e020a0a0000000100816102ff", "quicklist", ["plain", "a"]),
]


@pytest.mark.parametrize("body,encoding,expected", OLD, ids=[o[0][:8] for o in OLD])
def test_restore_old_encodings(r, body, encoding, expected):
    r.restore("k", 0, payload(body))
    assert r.object("encoding", "k").decode() == encoding
    kind = r.type("k").decode()
    if kind == "list":
        got = [v.decode() for v in r.lrange("k", 0, -1)]
    elif kind == "set":
        got = {v.decode() for v in r.smembers("k")}
    elif kind == "hash":
        got = {f.decode(): v.decode() for f, v in r.hgetall("k").items()}
    else:
        got = [(m.decode(), s) for m, s in r.zrange("k", 0, -1, withscores=True)]
    assert got == expected


CORRUPT = [
    "020201610161",  # duplicate set member
    "0b0c020000000200000001000100",  # duplicate intset value
    "04020166017601660177",  # duplicate hash field
    "0502016100000000000000000161000000000000f03f",  # duplicate zset member
    "1013130000000400816602817602816602817702ff",  # duplicate hash listpack field
    "111111000000040081610201018161020201ff",  # duplicate zset listpack member
    "090c0201610100310161010032ff",  # duplicate zipmap field
    "03010161fd",  # NaN text score
    "05010161000000000000f87f",  # NaN binary score
    "0100", "0200", "0300", "0400", "0500", "0e00", "1200",  # empty aggregates
    "12010207070000000000ff",  # only an empty listpack node
    "1201030161",  # unknown quicklist container
    "1010100000000300816102816202816302ff",  # hash listpack with an odd entry count
    "100e0e0000000200816102816202ff00",  # byte after the listpack terminator
    "1007070000000000ff",  # empty hash listpack
    "0a0b0b0000000a0000000000ff",  # empty ziplist list
    "0a141400000010000000030000016103016203fef6",  # truncated ziplist
]


@pytest.mark.parametrize("body", CORRUPT)
def test_restore_refuses_corrupt_values(r, body):
    with pytest.raises(redis.ResponseError, match=BAD_DATA):
        r.restore("k", 0, payload(body))
    assert r.exists("k") == 0
