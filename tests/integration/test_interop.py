"""Data moves between Tandem and real Redis 7.0 (Debian's redis-server) both ways: DUMP/RESTORE
payloads and RDB files, compared value by value over every type and encoding."""
import shutil
import subprocess

import pytest
import redis

from support.dump_payload import payload
from support.dataset import assert_same, fill_every_type, snapshot


def copy_keys(src, dst):
    """DUMPs every key of dbs 0 and 1 on src and RESTOREs it on dst with its TTL."""
    for db in (0, 1):
        src.execute_command("SELECT", db)
        dst.execute_command("SELECT", db)
        for key in src.scan_iter(count=1000):
            payload = src.dump(key)
            ttl = max(src.pttl(key), 0)
            dst.restore(key, ttl, payload)
    src.execute_command("SELECT", 0)
    dst.execute_command("SELECT", 0)


def test_dump_from_redis_restores_in_tandem(server_factory, redis_factory):
    source = redis_factory().client()
    target = server_factory().client()
    fill_every_type(source)
    copy_keys(source, target)
    assert_same(snapshot(source), snapshot(target), expire_slack_ms=5000)


def test_dump_from_tandem_restores_in_redis(server_factory, redis_factory):
    source = server_factory().client()
    target = redis_factory().client()
    fill_every_type(source)
    copy_keys(source, target)
    assert_same(snapshot(source), snapshot(target), expire_slack_ms=5000)


@pytest.mark.parametrize("value", [b"hello", b"12345", b"-1", b"", b"y" * 20])
def test_string_payloads_are_byte_identical(server_factory, redis_factory, value):
    ours = server_factory().client()
    theirs = redis_factory().client()
    ours.set("k", value)
    theirs.set("k", value)
    assert ours.dump("k") == theirs.dump("k")


def test_compressed_payloads_cross_restore(server_factory, redis_factory):
    """LZF output may differ byte-wise (any valid LZF stream is accepted); each side reads the
    other's, and both compress."""
    ours = server_factory().client()
    theirs = redis_factory().client()
    value = b"abc" * 300
    for r in (ours, theirs):
        r.set("k", value)
    mine, redis_payload = ours.dump("k"), theirs.dump("k")
    assert len(mine) < 100 and len(redis_payload) < 100
    ours.restore("from-redis", 0, redis_payload)
    theirs.restore("from-tandem", 0, mine)
    assert ours.get("from-redis") == value and theirs.get("from-tandem") == value


@pytest.mark.parametrize("fill", [
    lambda r: r.hset("k", mapping={"a": "1", "b": "hello", "c": "-300", "d": "70000"}),
    lambda r: r.zadd("k", {"a": 1, "b": 2.5, "c": -100000}),
    lambda r: r.sadd("k", 1, 2, 3, 70000),
    lambda r: r.rpush("k", "a", "1", "-4096", "4095", "x" * 70),
])
def test_compact_payloads_are_byte_identical(server_factory, redis_factory, fill):
    ours = server_factory().client()
    theirs = redis_factory().client()
    fill(ours)
    fill(theirs)
    assert ours.dump("k") == theirs.dump("k")


def fill_and_save(proc, function_result):
    """Every type, and a library whose function f returns function_result; then SAVE. Returns the
    snapshot of the data saved."""
    client = proc.client()
    fill_every_type(client)
    client.function_load("#!lua name=lib\nredis.register_function('f', function() return "
                         f"{function_result} end)")
    expected = snapshot(client)
    client.save()
    return expected


def test_our_rdb_loads_in_redis(server_factory, redis_factory, tmp_path):
    ours = server_factory()
    expected = fill_and_save(ours, 1)
    dump = ours.dir / "dump.rdb"
    check = subprocess.run(["redis-check-rdb", str(dump)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "RDB looks OK" in check.stdout
    target_dir = tmp_path / "redis-load"
    target_dir.mkdir()
    shutil.copy(dump, target_dir / "dump.rdb")
    theirs = redis_factory(name="redis-load").client()
    assert_same(expected, snapshot(theirs))
    assert theirs.fcall("f", 0) == 1


def test_redis_rdb_loads_in_tandem(server_factory, redis_factory, tmp_path):
    theirs = redis_factory()
    expected = fill_and_save(theirs, 2)
    target = tmp_path / "srv0"
    target.mkdir()
    shutil.copy(theirs.dir / "dump.rdb", target / "dump.rdb")
    ours = server_factory().client()
    assert_same(expected, snapshot(ours))
    assert ours.fcall("f", 0) == 2


def test_restore_errors_match_redis(r):
    r.set("k", "v")
    good = r.dump("k")
    assert good == payload(b"\x00\x01v")
    with pytest.raises(redis.ResponseError, match="^BUSYKEY Target key name already exists.$"):
        r.restore("k", 0, good)
    with pytest.raises(redis.ResponseError, match="^Invalid TTL value, must be >= 0$"):
        r.restore("n", -1, good)
    with pytest.raises(redis.ResponseError, match="^DUMP payload version or checksum are wrong$"):
        r.restore("n", 0, good[:-1] + b"\x00")
    with pytest.raises(redis.ResponseError, match="^DUMP payload version or checksum are wrong$"):
        r.restore("n", 0, payload(b"\x00\x01v", version=11))
    with pytest.raises(redis.ResponseError, match="^Bad data format$"):
        r.restore("n", 0, payload(b"\x63\x01v"))
    with pytest.raises(redis.ResponseError, match="^Bad data format$"):
        r.restore("n", 0, payload(b"\x02\x00"))  # an empty set
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("RESTORE", "n", 0, good, "IDLETIME", 1, "FREQ", 1)
    with pytest.raises(redis.ResponseError, match="^Invalid FREQ value, must be >= 0 and <= 255$"):
        r.execute_command("RESTORE", "n", 0, good, "FREQ", 256)
    assert r.exists("n") == 0


def test_restore_options(r):
    r.set("k", "v")
    good = r.dump("k")
    assert r.restore("k", 0, good, replace=True)
    assert r.ttl("k") == -1
    assert r.restore("k", 100_000, good, replace=True)
    assert 95 <= r.ttl("k") <= 100
    now_ms = int(r.time()[0]) * 1000
    assert r.restore("k", now_ms + 50_000, good, replace=True, absttl=True)
    assert 45 <= r.ttl("k") <= 50
    # An absolute time in the past deletes the replaced key and creates nothing.
    assert r.restore("k", 1, good, replace=True, absttl=True)
    assert r.exists("k") == 0
    assert r.restore("idle", 0, good, idletime=1000)
    assert r.object("idletime", "idle") >= 1000
    assert r.dump("missing") is None
