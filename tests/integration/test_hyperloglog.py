"""HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG. Values must be byte-identical to Redis 7.0's
(checked with GET) and estimates equal; the constants below were taken from redis-server 7.0.15."""
import hashlib

import pytest
import redis

from support.keyevents import keyevents

NOT_HLL = r"^WRONGTYPE Key is not a valid HyperLogLog string value\.$"
INVALID = r"^INVALIDOBJ Corrupted HLL object detected$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"

STALE = b"\x00" * 7 + b"\x80"  # cached cardinality marked stale
SPARSE_HEADER = b"HYLL\x01\x00\x00\x00"
EMPTY_STALE = SPARSE_HEADER + STALE + b"\x7f\xff"  # one XZERO over all 16384 registers

ALPHABET = [chr(c) for c in range(ord("a"), ord("z") + 1)]
ALPHA_SPARSE = bytes.fromhex(
    "48594c4c01000000000000000000008044458c42268040898846e89441758440ec840e8040c484449094446680426280"
    "443c843880408f8041ac8047d18043b08042ed8441fc8c43938443188840df80426d8041d080407e8408")
# PFMERGE merged alpha n100, both sparse: the maxima are set one by one into a sparse value.
MERGED_SPARSE = bytes.fromhex(
    "48594c4c01000000000000000000008044458c2f8440448408844042801580414a80408988338c405584415c8040d184"
    "3c843a8440728040708c41b484198c40b48040449441758440ec840e802588405080404b840b84099440fb800980413b"
    "84288441ac84405b943f8040af88410480426e80410a8c2f802080409c8c008c406380409f844160804110803c803380"
    "17841a800d880a8c1884404a843880408f8008882e80328040a7a0405f843480218011803b8840f380405c8011842e84"
    "40648c40df800a80416b80413780417380405a80128038844075841e80407a804047901b84419d80404a8040638440de"
    "8441a884411380405984408c8c2c800e8040958c4043800a8840ea80028040a884408d8018842a840590404980419f84"
    "412588405f804060801c800284404d80088440d3882c8840c2803d800a802688409f8040d090803480407e8408")
MERGED_DENSE_COUNT = 19626  # PFMERGE alpha big (20000 elements), then PFCOUNT alpha
SHA_1000_SPARSE = "7b3b159d576a4be00740eaf8ea3f408f1ee3e7de65f9e4ff0dac9d4a0024efd8"
SHA_20000_DENSE = "c764ec7c4dcec499bb8596e43ce77b86564f9cc907edf2c2cd4b730ff007ef28"


def fill(r, key, n):
    """PFADD elem:0 .. elem:<n-1>, 1000 elements per command."""
    for start in range(0, n, 1000):
        r.pfadd(key, *[f"elem:{i}" for i in range(start, min(n, start + 1000))])


@pytest.fixture
def sparse_limit(r):
    """Restores hll-sparse-max-bytes on the shared server after a test that changes it."""
    yield
    r.config_set("hll-sparse-max-bytes", 3000)


# --- Byte compatibility --------------------------------------------------------------------------

def test_new_key_is_an_empty_sparse_hll(r):
    assert r.pfadd("h") == 1  # creating the key counts as a change
    assert r.pfadd("h") == 0
    assert r.get("h") == EMPTY_STALE
    assert r.pfcount("h") == 0
    assert r.get("h") == SPARSE_HEADER + b"\x00" * 8 + b"\x7f\xff"
    assert r.object("encoding", "h") == b"raw"


def test_alphabet_sparse_bytes(r):
    assert r.pfadd("alpha", *ALPHABET) == 1
    assert r.get("alpha") == ALPHA_SPARSE
    assert r.pfadd("alpha", "a", "b") == 0
    assert r.execute_command("PFDEBUG", "ENCODING", "alpha") == b"sparse"
    assert r.pfcount("alpha") == 25
    # The estimate is now cached in the header (little endian, top bit clear).
    assert r.get("alpha") == ALPHA_SPARSE[:8] + (25).to_bytes(8, "little") + ALPHA_SPARSE[16:]


def test_thousand_elements_sparse_bytes(r):
    fill(r, "h", 1000)
    assert hashlib.sha256(r.get("h")).hexdigest() == SHA_1000_SPARSE
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"sparse"
    assert r.pfcount("h") == 1005


def test_twenty_thousand_elements_dense_bytes(r):
    fill(r, "h", 20000)
    value = r.get("h")
    assert len(value) == 16 + 12288
    assert hashlib.sha256(value).hexdigest() == SHA_20000_DENSE
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"dense"
    assert r.pfcount("h") == 19603


@pytest.mark.parametrize("n,estimate", [(1, 1), (100, 100), (10000, 9922), (100000, 99904)])
def test_estimates_match_redis(r, n, estimate):
    fill(r, "h", n)
    assert r.pfcount("h") == estimate
    assert r.pfcount("h") == estimate  # from the cache this time


# --- PFADD / PFCOUNT -----------------------------------------------------------------------------

def test_pfcount_of_missing_key_is_zero(r):
    assert r.pfcount("nokey") == 0
    assert r.exists("nokey") == 0


def test_pfcount_reads_a_valid_cached_value_as_is(r):
    r.set("h", SPARSE_HEADER + (12345).to_bytes(8, "little") + b"\x7f\xff")
    assert r.pfcount("h") == 12345
    r.set("h", SPARSE_HEADER + STALE + b"\x7f\xff")
    assert r.pfcount("h") == 0


def test_pfcount_of_several_keys_is_the_union_and_changes_nothing(r):
    r.pfadd("alpha", *ALPHABET)
    r.pfadd("n100", *[f"elem:{i}" for i in range(100)])
    before = (r.get("alpha"), r.get("n100"))
    assert r.pfcount("n100", "alpha", "nokey") == 124
    assert (r.get("alpha"), r.get("n100")) == before  # caches stay stale
    assert r.exists("nokey") == 0
    fill(r, "n1000", 1000)
    fill(r, "n10000", 10000)
    assert r.pfcount("n1000", "n10000") == 9922  # sparse with dense


def test_pfadd_keeps_the_ttl(r):
    r.pfadd("h", "a")
    r.expire("h", 100)
    assert r.pfadd("h", "b") == 1
    assert 0 < r.ttl("h") <= 100
    r.pfcount("h")
    assert 0 < r.ttl("h") <= 100


def test_pfadd_promotes_to_dense_at_the_sparse_limit(r, sparse_limit):
    r.config_set("hll-sparse-max-bytes", 300)
    before = None
    for i in range(1000):
        before = r.get("h")
        r.pfadd("h", f"elem:{i}")
        if r.execute_command("PFDEBUG", "ENCODING", "h") == b"dense":
            break
    assert i == 109  # where Redis promotes
    assert len(before) == 299
    assert len(r.get("h")) == 16 + 12288
    assert r.pfcount("h") == 110


def test_sparse_limit_zero_makes_the_first_add_dense(r, sparse_limit):
    r.config_set("hll-sparse-max-bytes", 0)
    assert r.pfadd("h", "a") == 1
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"dense"
    assert r.pfcount("h") == 1


# --- PFMERGE -------------------------------------------------------------------------------------

def test_pfmerge_of_sparse_values_stays_sparse_with_redis_bytes(r):
    r.pfadd("alpha", *ALPHABET)
    r.pfadd("n100", *[f"elem:{i}" for i in range(100)])
    assert r.pfmerge("merged", "alpha", "n100") is True
    assert r.get("merged") == MERGED_SPARSE
    assert r.pfcount("merged") == 124
    assert r.pfcount("alpha") == 25  # sources untouched


def test_pfmerge_with_a_dense_source_makes_the_destination_dense(r):
    r.pfadd("alpha", *ALPHABET)
    fill(r, "big", 20000)
    assert r.pfmerge("alpha", "big") is True  # the destination is also a source
    assert r.execute_command("PFDEBUG", "ENCODING", "alpha") == b"dense"
    assert r.pfcount("alpha") == r.pfcount("big", "alpha") == MERGED_DENSE_COUNT


def test_pfmerge_without_sources_creates_an_empty_hll(r):
    assert r.pfmerge("fresh") is True
    assert r.get("fresh") == EMPTY_STALE
    assert r.pfmerge("fresh", "nokey") is True
    assert r.pfcount("fresh") == 0


def test_pfmerge_overwrites_nothing_but_registers(r):
    r.pfadd("dest", "x", "y")
    r.expire("dest", 100)
    r.pfadd("src", "z")
    r.pfmerge("dest", "src")
    assert r.pfcount("dest") == 3
    assert 0 < r.ttl("dest") <= 100


# --- Errors --------------------------------------------------------------------------------------

def test_plain_strings_are_not_hlls(r):
    r.set("s", "hello")
    r.set("short_dense", b"HYLL\x00\x00\x00\x00" + b"\x00" * 108)
    r.set("bad_encoding", b"HYLL\x02\x00\x00\x00" + STALE + b"\x7f\xff")
    for key in ("s", "short_dense", "bad_encoding"):
        with pytest.raises(redis.ResponseError, match=NOT_HLL):
            r.pfadd(key, "a")
        with pytest.raises(redis.ResponseError, match=NOT_HLL):
            r.pfcount(key)
        with pytest.raises(redis.ResponseError, match=NOT_HLL):
            r.pfcount("nokey", key)
        with pytest.raises(redis.ResponseError, match=NOT_HLL):
            r.pfmerge("dest", key)
        with pytest.raises(redis.ResponseError, match=NOT_HLL):
            r.execute_command("PFDEBUG", "ENCODING", key)
    assert r.exists("dest") == 0
    assert r.get("s") == b"hello"


def test_other_types_get_the_usual_wrongtype(r, list_key):
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.pfadd(list_key, "a")
    with pytest.raises(redis.ResponseError, match=WRONGTYPE):
        r.pfcount(list_key)


def test_corrupted_sparse_hll(r):
    # A sparse body covering only 8192 registers, with a stale cache so that PFCOUNT reads it.
    r.set("half", SPARSE_HEADER + STALE + b"\x5f\xff")
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfcount("half")
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfcount("half", "nokey")
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfmerge("dest", "half")
    assert r.exists("dest") == 0
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.execute_command("PFDEBUG", "GETREG", "half")
    assert r.execute_command("PFDEBUG", "DECODE", "half") == b"Z:8192"
    # "d" and "f" land below register 8192 and are set in place; "a" does not: the error comes
    # after the first two were written, as in Redis.
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfadd("half", "d", "f", "a", "i")
    assert r.get("half") == SPARSE_HEADER + STALE + bytes.fromhex("466d80560c804382")
    assert r.execute_command("PFDEBUG", "DECODE", "half") == b"Z:1646 v:1,1 Z:5645 v:1,1 Z:899"


def test_empty_sparse_body_is_corrupt(r):
    r.set("h", SPARSE_HEADER + STALE)
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfadd("h", "a")
    assert r.pfadd("h") == 0  # no element, nothing to check
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.pfcount("h")
    with pytest.raises(redis.ResponseError, match=INVALID):
        r.execute_command("PFDEBUG", "TODENSE", "h")
    assert r.execute_command("PFDEBUG", "DECODE", "h") == b""


# --- PFDEBUG -------------------------------------------------------------------------------------

def test_pfdebug(r):
    r.pfadd("h", "a")
    assert r.execute_command("PFDEBUG", "DECODE", "h") == b"Z:12711 v:2,1 Z:3672"
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"sparse"
    registers = r.execute_command("PFDEBUG", "GETREG", "h")  # converts to dense
    assert len(registers) == 16384
    assert registers[12711] == 2 and sum(registers) == 2
    assert r.execute_command("PFDEBUG", "encoding", "h") == b"dense"
    assert r.execute_command("PFDEBUG", "TODENSE", "h") == 0
    with pytest.raises(redis.ResponseError, match=r"^HLL encoding is not sparse$"):
        r.execute_command("PFDEBUG", "DECODE", "h")
    r.pfadd("s", "a")
    assert r.execute_command("PFDEBUG", "TODENSE", "s") == 1
    assert r.get("s") == r.get("h")
    with pytest.raises(redis.ResponseError, match=r"^Unknown PFDEBUG subcommand 'Bogus'$"):
        r.execute_command("PFDEBUG", "Bogus", "h")
    with pytest.raises(redis.ResponseError, match=r"^The specified key does not exist$"):
        r.execute_command("PFDEBUG", "ENCODING", "nokey")
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'pfdebug' command$"):
        r.execute_command("PFDEBUG", "ENCODING")


# --- Command table -------------------------------------------------------------------------------

def test_command_info(raw):
    info = raw.call("COMMAND", "INFO", "pfadd", "pfcount", "pfmerge", "pfdebug", "pfselftest")
    rows = {row[0]: row for row in info}
    assert rows[b"pfadd"][1:7] == [-2, [b"write", b"denyoom", b"fast"], 1, 1, 1,
                                   [b"@write", b"@hyperloglog", b"@fast"]]
    # Readonly, although refreshing the cached estimate rewrites the value: its key spec is RW.
    assert rows[b"pfcount"][1:7] == [-2, [b"readonly"], 1, -1, 1, [b"@read", b"@hyperloglog", b"@slow"]]
    spec = rows[b"pfcount"][8][0]  # Redis also lists "notes" before "flags"
    assert spec[spec.index(b"flags") + 1] == [b"RW", b"access"]
    assert rows[b"pfmerge"][1:7] == [-2, [b"write", b"denyoom"], 1, -1, 1,
                                     [b"@write", b"@hyperloglog", b"@slow"]]
    assert rows[b"pfdebug"][1:7] == [3, [b"write", b"denyoom", b"admin"], 2, 2, 1,
                                     [b"@write", b"@hyperloglog", b"@admin", b"@slow", b"@dangerous"]]
    assert rows[b"pfselftest"][1:7] == [1, [b"admin"], 0, 0, 0,
                                        [b"@hyperloglog", b"@admin", b"@slow", b"@dangerous"]]


def test_pfselftest(r):
    assert r.execute_command("PFSELFTEST") == b"OK"


# --- Notifications -------------------------------------------------------------------------------

def test_keyspace_events(r):
    def action():
        r.pfadd("h", "a")
        r.pfadd("h", "a")  # no change, no event
        r.pfmerge("m", "h")  # Redis 7.0 announces a merge as "pfadd"
        r.pfcount("h")  # refreshing the cache is silent
    assert keyevents(r, action, flags="E$") == [("pfadd", "h"), ("pfadd", "m")]


def test_watch_is_broken_by_pfadd_but_not_by_a_no_op(r, shared_server):
    other = redis.Redis(host="127.0.0.1", port=shared_server.port)
    r.pfadd("h", "a")
    with r.pipeline() as pipe:
        try:
            pipe.watch("h")
        except redis.ResponseError as err:
            if "unknown command" in str(err):
                pytest.skip("WATCH not implemented by this server")
            raise
        other.pfadd("h", "a")  # unchanged
        pipe.multi()
        pipe.get("h")
        assert pipe.execute()
    with r.pipeline() as pipe:
        pipe.watch("h")
        other.pfadd("h", "b")
        pipe.multi()
        pipe.get("h")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    other.close()
