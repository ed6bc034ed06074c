"""RDB persistence as Redis 7.0 does it: SAVE/BGSAVE, restart loads, save points, SHUTDOWN, SIGTERM,
MISCONF, LASTSAVE, INFO persistence, DEBUG RELOAD, corrupt files, redis-check-rdb."""
import os
import re
import signal
import subprocess
import threading
import time

import pytest
import redis

from conftest import is_real_redis
from support.waits import wait_until

LIB = "#!lua name=plib\nredis.register_function('pf', function(keys, args) return 1 end)"


def persistence(client):
    return client.info("persistence")


def wait_bgsave_done(client, timeout=20.0):
    wait_until(lambda: persistence(client)["rdb_bgsave_in_progress"] == 0, "BGSAVE done", timeout)


def restart(proc):
    proc.stop()
    proc.start()
    return proc.client()


def dump_path(proc):
    return proc.dir / "dump.rdb"


def fill_strings(c):
    c.set("int", 12345)
    c.set("negative", -7)
    c.set("big_int", 2 ** 62)
    c.set("text", "hello world")
    c.set("empty", "")
    c.set("compressible", "a" * 10000)
    c.set("binary", bytes(range(256)))
    c.set("ttl", "v", px=3_600_000)
    for i in range(300):
        c.set(f"k:{i}", f"value-{i}")
    c.select(3)
    c.set("db3", "three")
    c.select(15)
    c.set("db15", "fifteen", ex=7200)
    c.select(0)


def snapshot_strings(c):
    out = {}
    for db in (0, 3, 15):
        c.select(db)
        for key in c.keys("*"):
            if c.type(key) != b"string" or key == b"hll":
                continue
            out[(db, key)] = (c.get(key), c.pttl(key) > 0)
    c.select(0)
    return out


def test_save_and_restart_keeps_strings_ttls_dbs_and_functions(server_factory):
    proc = server_factory()
    c = proc.client()
    fill_strings(c)
    c.execute_command("FUNCTION", "LOAD", LIB)
    before = snapshot_strings(c)
    ttl_before = c.pttl("ttl")
    assert c.save() is True
    assert dump_path(proc).exists()
    c = restart(proc)
    assert snapshot_strings(c) == before
    assert 0 < c.pttl("ttl") <= ttl_before
    assert c.execute_command("FCALL", "pf", 0) == 1
    assert c.object("encoding", "int") == b"int"
    assert persistence(c)["rdb_last_load_keys_loaded"] == len(before)


def fill_all_types(c):
    c.rpush("list_small", *[f"e{i}" for i in range(10)])
    c.rpush("list_large", *[f"element-{i}" * 3 for i in range(2000)])
    c.sadd("set_int", *range(100))
    c.sadd("set_hash", *[f"m{i}" for i in range(1000)])
    c.zadd("zset_small", {f"z{i}": i / 3 for i in range(10)})
    c.zadd("zset_large", {f"z{i}": i * 1.5 for i in range(1000)})
    c.hset("hash_small", mapping={f"f{i}": i for i in range(10)})
    c.hset("hash_large", mapping={f"f{i}": "x" * 100 for i in range(1000)})
    c.pfadd("hll", *[f"h{i}" for i in range(5000)])
    c.expire("list_small", 3600)


def snapshot_all_types(c):
    return {
        "list_small": c.lrange("list_small", 0, -1),
        "list_large": c.lrange("list_large", 0, -1),
        "set_int": c.smembers("set_int"),
        "set_hash": c.smembers("set_hash"),
        "zset_small": c.zrange("zset_small", 0, -1, withscores=True),
        "zset_large": c.zrange("zset_large", 0, -1, withscores=True),
        "hash_small": c.hgetall("hash_small"),
        "hash_large": c.hgetall("hash_large"),
        "hll": c.get("hll"),
        "encodings": [c.object("encoding", k) for k in
                      ("list_small", "list_large", "set_int", "set_hash", "zset_small",
                       "zset_large", "hash_small", "hash_large")],
        "ttl": c.ttl("list_small") > 0,
    }


@pytest.mark.parametrize("how", ["save", "bgsave"])
def test_every_type_survives_a_restart(server_factory, how):
    proc = server_factory()
    c = proc.client()
    fill_all_types(c)
    fill_strings(c)
    before = snapshot_all_types(c), snapshot_strings(c)
    if how == "save":
        c.save()
    else:
        assert c.bgsave() is True
        wait_bgsave_done(c)
    c = restart(proc)
    assert (snapshot_all_types(c), snapshot_strings(c)) == before


def test_streams_with_groups_survive_a_restart(server_factory):
    proc = server_factory()
    c = proc.client()
    c.xadd("s", {"a": 1}, id="1-1")
    c.xgroup_create("s", "g", id="0")
    c.xreadgroup("g", "consumer", {"s": ">"})
    c.save()
    c = restart(proc)
    assert c.xpending("s", "g")["pending"] == 1


def test_bgsave_contains_every_write_acknowledged_before_it(server_factory):
    proc = server_factory(["--rdb-key-save-delay", "200"])
    c = proc.client()
    for i in range(1000):
        c.set(f"before:{i}", i)
    stop = threading.Event()

    def writer():
        w = proc.client()
        i = 0
        while not stop.is_set():
            w.set(f"after:{i}", i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert c.bgsave() is True
        wait_bgsave_done(c)
    finally:
        stop.set()
        thread.join()
    c.config_set("rdb-key-save-delay", 0)
    c = restart(proc)
    values = c.mget([f"before:{i}" for i in range(1000)])
    assert values == [str(i).encode() for i in range(1000)]


def test_info_persistence_and_lastsave(server_factory):
    proc = server_factory()
    c = proc.client()
    info = persistence(c)
    assert info["rdb_bgsave_in_progress"] == 0
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_last_bgsave_time_sec"] == -1
    saves = info["rdb_saves"]
    start_lastsave = c.lastsave()
    c.set("a", 1)
    c.set("b", 2)
    assert persistence(c)["rdb_changes_since_last_save"] == 2
    time.sleep(1.1)
    c.save()
    info = persistence(c)
    assert info["rdb_changes_since_last_save"] == 0
    assert info["rdb_saves"] == saves + 1
    assert c.lastsave() > start_lastsave
    assert info["rdb_last_save_time"] == int(c.lastsave().timestamp())
    c.set("c", 3)
    c.config_set("rdb-key-save-delay", 1_000_000)
    assert c.bgsave() is True
    info = persistence(c)
    assert info["rdb_bgsave_in_progress"] == 1
    assert info["rdb_current_bgsave_time_sec"] >= 0
    assert info["current_save_keys_total"] == c.dbsize()
    c.config_set("rdb-key-save-delay", 0)
    wait_bgsave_done(c)
    info = persistence(c)
    assert info["rdb_saves"] == saves + 2
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_last_bgsave_time_sec"] >= 0
    assert info["rdb_changes_since_last_save"] == 0
    assert info["rdb_current_bgsave_time_sec"] == -1
    assert info["current_save_keys_total"] == info["current_save_keys_processed"] == 0


def test_bgsave_errors(server_factory):
    proc = server_factory(["--rdb-key-save-delay", "100000"])
    c = proc.client()
    c.set_response_callback("BGSAVE", lambda response, **options: response)
    for i in range(50):
        c.set(f"k{i}", i)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        c.execute_command("BGSAVE", "NOW")
    assert c.execute_command("BGSAVE") == b"Background saving started"
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("BGSAVE", "SCHEDULE")
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("SAVE")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("SAVE", "x")
    # FLUSHALL kills the child (no save points here): not an error.
    c.flushall()
    wait_bgsave_done(c, 5)
    assert persistence(c)["rdb_last_bgsave_status"] == "ok"


def test_save_point_fires(server_factory):
    proc = server_factory(["--save", "1 1"])
    c = proc.client()
    saves = persistence(c)["rdb_saves"]
    c.set("k", "v")
    wait_until(lambda: persistence(c)["rdb_saves"] > saves, f"rdb_saves > {saves}", 10)
    wait_bgsave_done(c)
    assert persistence(c)["rdb_changes_since_last_save"] == 0
    assert dump_path(proc).exists()


def test_shutdown_save_and_nosave(server_factory):
    proc = server_factory()
    c = proc.client()
    c.set("k", "saved")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "SAVE")
    assert proc.wait_exit(10) == 0
    assert dump_path(proc).exists()
    c = proc.start().client()
    assert c.get("k") == b"saved"

    c.config_set("save", "3600 1")
    c.set("k", "not saved")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "NOSAVE")
    assert proc.wait_exit(10) == 0
    c = proc.start().client()
    assert c.get("k") == b"saved"


def test_sigterm_with_save_points_saves(server_factory):
    proc = server_factory(["--save", "3600 1"])
    c = proc.client()
    c.set("k", "v")
    assert not dump_path(proc).exists()
    proc.proc.send_signal(signal.SIGTERM)
    assert proc.wait_exit(10) == 0
    assert dump_path(proc).exists()
    assert "Saving the final RDB snapshot" in proc.read_log()
    c = proc.start().client()
    assert c.get("k") == b"v"


def test_flushall_with_save_points_saves_the_empty_dataset(server_factory):
    proc = server_factory(["--save", "3600 1000"])
    c = proc.client()
    c.set("k", "v")
    c.save()
    c.flushall()
    info = persistence(c)
    assert info["rdb_changes_since_last_save"] == 0
    proc.proc.kill()
    proc.wait_exit()
    c = proc.start().client()
    assert c.dbsize() == 0


def child_pid_from_log(proc):
    match = re.findall(r"Background saving started by pid (\d+)", proc.read_log())
    return int(match[-1]) if match else None


def test_kill_9_during_bgsave_leaves_the_previous_dump(server_factory):
    proc = server_factory()
    c = proc.client()
    c.set("old", "1")
    c.save()
    old_bytes = dump_path(proc).read_bytes()
    for i in range(500):
        c.set(f"new:{i}", i)
    c.config_set("rdb-key-save-delay", 20000)  # 500 keys * 20 ms: the child takes 10 s
    c.bgsave()
    wait_until(lambda: child_pid_from_log(proc), "the BGSAVE child's pid in the log", 10)
    time.sleep(0.3)
    proc.proc.kill()
    proc.wait_exit()
    child = child_pid_from_log(proc)
    assert dump_path(proc).read_bytes() == old_bytes
    try:
        os.kill(child, signal.SIGKILL)  # the orphaned child still holds the listening socket
    except ProcessLookupError:
        pass
    wait_until(lambda: not os.path.exists(f"/proc/{child}") or
               open(f"/proc/{child}/stat").read().split()[2] == "Z", f"child {child} gone", 5)
    assert dump_path(proc).read_bytes() == old_bytes
    c = proc.start().client()
    assert c.get("old") == b"1"
    assert c.dbsize() == 1


def test_redis_check_rdb_accepts_our_dump(server_factory):
    proc = server_factory()
    c = proc.client()
    fill_strings(c)
    c.execute_command("FUNCTION", "LOAD", LIB)
    c.save()
    result = subprocess.run(["redis-check-rdb", str(dump_path(proc))], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RDB looks OK" in result.stdout


def test_misconf_after_failed_bgsave_and_writes_resume_after_a_good_save(server_factory):
    proc = server_factory(["--save", "3600 1", "--enable-protected-configs", "yes"])
    c = proc.client()
    c.set("k", "v")
    doomed = proc.dir / "doomed"
    doomed.mkdir()
    c.config_set("dir", str(doomed))
    doomed.rmdir()  # the working directory is gone: even root cannot create the temp file
    c.bgsave()
    wait_bgsave_done(c)
    assert persistence(c)["rdb_last_bgsave_status"] == "err"
    with pytest.raises(redis.ResponseError, match="^MISCONF Redis is configured to save RDB"):
        c.set("k", "v2")
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.ping()
    assert c.get("k") == b"v"
    c.config_set("dir", str(proc.dir))
    c.bgsave()
    wait_bgsave_done(c)
    assert persistence(c)["rdb_last_bgsave_status"] == "ok"
    assert c.set("k", "v3") is True


def test_misconf_not_raised_when_stop_writes_is_off(server_factory):
    proc = server_factory(["--save", "3600 1", "--stop-writes-on-bgsave-error", "no",
                           "--enable-protected-configs", "yes"])
    c = proc.client()
    doomed = proc.dir / "doomed"
    doomed.mkdir()
    c.config_set("dir", str(doomed))
    doomed.rmdir()
    c.bgsave()
    wait_bgsave_done(c)
    assert persistence(c)["rdb_last_bgsave_status"] == "err"
    assert c.set("k", "v") is True


def test_corrupt_dump_refuses_to_start_and_is_left_untouched(server_factory):
    proc = server_factory()
    c = proc.client()
    c.set("key", "a value that we will damage")
    c.save()
    proc.stop()
    data = bytearray(dump_path(proc).read_bytes())
    at = data.find(b"damage")
    data[at] ^= 0xFF
    dump_path(proc).write_bytes(bytes(data))
    proc.spawn()
    assert proc.wait_exit(10) == 1
    assert dump_path(proc).read_bytes() == bytes(data)
    log = proc.read_log()
    if not is_real_redis():
        assert "dump.rdb" in log and "offset" in log and "checksum" in log


def test_debug_reload_keeps_data(server_factory):
    proc = server_factory(["--enable-debug-command", "yes"])
    c = proc.client()
    fill_strings(c)
    c.execute_command("FUNCTION", "LOAD", LIB)
    before = snapshot_strings(c)
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert snapshot_strings(c) == before
    assert c.execute_command("FCALL", "pf", 0) == 1


def keyspace_image(c, dbs):
    """Every key of `dbs` with its type, value and whether it has a TTL."""
    readers = {
        b"string": lambda k: c.get(k),
        b"hash": lambda k: sorted(c.hgetall(k).items()),
        b"list": lambda k: c.lrange(k, 0, -1),
        b"set": lambda k: sorted(c.smembers(k)),
        b"zset": lambda k: c.zrange(k, 0, -1, withscores=True),
    }
    out = {}
    for db in dbs:
        c.select(db)
        for key in c.keys("*"):
            kind = c.type(key)
            out[(db, key)] = (kind, readers[kind](key), c.pttl(key) > 0)
    c.select(0)
    return out


def test_bgsave_is_a_point_in_time_snapshot(server_factory):
    proc = server_factory()
    c = proc.client()
    for i in range(200):
        c.set(f"s:{i}", f"v{i}", ex=3600 if i % 10 == 0 else None)
    c.hset("h", mapping={"a": 1, "b": 2})
    c.rpush("l", "x", "y")
    c.sadd("set", "m1", "m2")
    c.zadd("z", {"one": 1, "two": 2})
    c.select(2)
    c.set("s:0", "db2")
    c.set("lazy", "expires during the save")
    c.select(0)
    before = keyspace_image(c, (0, 2))
    c.config_set("rdb-key-save-delay", 5000)  # ~200 keys * 5 ms: the save runs ~1 s
    assert c.bgsave() is True
    for i in range(0, 200, 7):
        c.delete(f"s:{i}")
    for i in range(50):
        c.set(f"new:{i}", i)
    for i in range(1, 200, 11):
        c.expire(f"s:{i}", 1000)
    c.persist("s:10")
    c.rename("s:3", "renamed")
    c.hset("h", "a", "changed")
    c.rpush("l", "z")
    c.srem("set", "m1")
    c.zincrby("z", 10, "one")
    pipe = c.pipeline(transaction=True)
    pipe.set("s:5", "from multi").delete("s:6").lpush("l", "multi")
    pipe.execute()
    c.eval("redis.call('SET', KEYS[1], 'from eval'); redis.call('DEL', KEYS[2]); "
           "redis.call('HDEL', KEYS[3], 'b')", 3, "s:8", "s:9", "h")
    c.move("s:12", 2)
    c.select(2)
    c.pexpire("lazy", 50)
    time.sleep(0.1)
    assert c.get("lazy") is None  # deleted by lazy expiry while the save runs
    c.select(0)
    # Every change above happened while the save was running.
    assert persistence(c)["rdb_bgsave_in_progress"] == 1
    for i in range(200):  # last: a forkless save writes each key as it is first changed
        c.set(f"s:{i}", "overwritten")
    wait_bgsave_done(c)
    assert persistence(c)["rdb_last_bgsave_status"] == "ok"
    c = restart(proc)
    assert keyspace_image(c, (0, 2)) == before


def test_clients_are_served_while_a_slow_bgsave_runs(server_factory):
    proc = server_factory()
    c = proc.client()
    for i in range(300):
        c.set(f"k:{i}", i)
    c.config_set("rdb-key-save-delay", 5000)  # ~1.5 s of saving
    assert c.bgsave() is True
    slowest = 0.0
    for _ in range(20):
        start = time.monotonic()
        assert c.ping() is True
        slowest = max(slowest, time.monotonic() - start)
        time.sleep(0.01)
    assert persistence(c)["rdb_bgsave_in_progress"] == 1
    assert slowest < 0.1
    wait_bgsave_done(c)
    c = restart(proc)
    assert c.dbsize() == 300


def test_swapdb_and_flushdb_during_a_bgsave_keep_the_snapshot(server_factory):
    proc = server_factory()
    c = proc.client()
    for i in range(100):
        c.set(f"a:{i}", i)
    c.select(1)
    for i in range(50):
        c.set(f"b:{i}", i)
    c.select(0)
    before = keyspace_image(c, (0, 1))
    c.config_set("rdb-key-save-delay", 10000)
    assert c.bgsave() is True
    c.swapdb(0, 1)
    c.flushdb()
    c.set("after", "1")
    wait_bgsave_done(c)
    assert persistence(c)["rdb_last_bgsave_status"] == "ok"
    c = restart(proc)
    assert keyspace_image(c, (0, 1)) == before


def test_flushall_abandons_a_running_bgsave(server_factory):
    proc = server_factory()
    c = proc.client()
    c.set("old", "1")
    assert c.save() is True
    old_bytes = dump_path(proc).read_bytes()
    for i in range(300):
        c.set(f"k:{i}", i)
    c.config_set("rdb-key-save-delay", 10000)  # 3 s if it ran to the end
    assert c.bgsave() is True
    start = time.monotonic()
    assert c.flushall() is True
    wait_bgsave_done(c, timeout=2)
    assert time.monotonic() - start < 2
    assert persistence(c)["rdb_last_bgsave_status"] == "ok"
    wait_until(lambda: not list(proc.dir.glob("temp-*.rdb")), "no temp-*.rdb left", 2,
               state=lambda: list(proc.dir.glob("temp-*.rdb")))
    assert dump_path(proc).read_bytes() == old_bytes


def test_bgsave_and_bgrewriteaof_inside_exec_are_scheduled_then_run(server_factory):
    proc = server_factory()
    c = proc.client(single_connection_client=True)
    c.set("k", "v")
    saves = persistence(c)["rdb_saves"]
    c.execute_command("MULTI")
    c.execute_command("BGSAVE")
    assert c.execute_command("EXEC") == [b"Background saving scheduled"]
    wait_until(lambda: persistence(c)["rdb_saves"] > saves, f"rdb_saves > {saves}", 10)
    wait_bgsave_done(c)
    assert (proc.dir / "dump.rdb").exists()
    c.execute_command("MULTI")
    c.execute_command("BGREWRITEAOF")
    assert c.execute_command("EXEC") == [b"Background append only file rewriting scheduled"]
    wait_until(lambda: persistence(c)["aof_rewrites"] > 0, "aof_rewrites > 0", 10)
