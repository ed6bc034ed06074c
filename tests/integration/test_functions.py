"""FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL and FCALL/FCALL_RO, as Redis 7.0."""
import threading
import time

import pytest
import redis

from support.calls import call, raises

LIB = """#!lua name=mylib
local function my_set(keys, args)
  return redis.call('SET', keys[1], args[1])
end
local function my_get(keys, args)
  return redis.call('GET', keys[1])
end
redis.register_function('my_set', my_set)
redis.register_function{function_name='my_get', callback=my_get, flags={'no-writes'},
                        description='reads a key'}
"""


@pytest.fixture(autouse=True)
def no_functions(r):
    call(r, "FUNCTION", "FLUSH")


def load(r, code=LIB, replace=False):
    args = ["FUNCTION", "LOAD"] + (["REPLACE"] if replace else []) + [code]
    return call(r, *args)


def test_load_returns_the_library_name_and_fcall_runs(r):
    assert load(r) == b"mylib"
    assert call(r, "FCALL", "my_set", "1", "k", "v") == b"OK"
    assert call(r, "FCALL", "my_get", "1", "k") == b"v"
    assert call(r, "FCALL_RO", "my_get", "1", "k") == b"v"


def test_fcall_ro_refuses_a_function_without_no_writes(r):
    load(r)
    raises(r, "^Can not execute a script with write flag using \\*_ro command.$",
           "FCALL_RO", "my_set", "1", "k", "v")


def test_unknown_function_and_bad_numkeys(r):
    raises(r, "^Function not found$", "FCALL", "nope", "0")
    load(r)
    raises(r, "^Number of keys can't be negative$", "FCALL", "my_get", "-1")
    raises(r, "^Number of keys can't be greater than number of args$", "FCALL", "my_get", "3", "k")


def test_load_errors(r):
    raises(r, "^Missing library metadata$", "FUNCTION", "LOAD", "return 1")
    raises(r, "^No functions registered$", "FUNCTION", "LOAD", "#!lua name=empty\nlocal a = 1")
    raises(r, "^Library names can only contain letters, numbers, or underscores\\(_\\)",
           "FUNCTION", "LOAD", "#!lua name=bad-name\nredis.register_function('f', function() end)")
    raises(r, "^Error compiling function", "FUNCTION", "LOAD", "#!lua name=syn\nthis is not lua")
    load(r)
    raises(r, "^Library 'mylib' already exists$", "FUNCTION", "LOAD", LIB)
    assert load(r, replace=True) == b"mylib"


def test_a_function_name_must_be_unique_across_libraries(r):
    load(r)
    other = "#!lua name=other\nredis.register_function('my_get', function() return 1 end)"
    raises(r, "^Function my_get already exists$", "FUNCTION", "LOAD", other)


def test_register_function_only_at_load_time(r):
    code = ("#!lua name=late\nredis.register_function('f', function() "
            "redis.register_function('g', function() end) end)")
    load(r, code)
    with pytest.raises(redis.ResponseError, match="attempt to call field 'register_function'"):
        call(r, "FCALL", "f", "0")


def test_function_list_shape_and_filters(r):
    load(r)
    load(r, "#!lua name=second\nredis.register_function('two', function() return 2 end)")
    libs = r.execute_command("FUNCTION", "LIST")
    assert len(libs) == 2
    by_name = {}
    for lib in libs:
        fields = dict(zip(lib[::2], lib[1::2]))
        by_name[fields[b"library_name"]] = fields
    mylib = by_name[b"mylib"]
    assert mylib[b"engine"] == b"LUA"
    funcs = {}
    for f in mylib[b"functions"]:
        fd = dict(zip(f[::2], f[1::2]))
        funcs[fd[b"name"]] = fd
    assert funcs[b"my_get"][b"description"] == b"reads a key"
    assert funcs[b"my_get"][b"flags"] == [b"no-writes"]
    assert funcs[b"my_set"][b"description"] is None
    assert funcs[b"my_set"][b"flags"] == []
    only = r.execute_command("FUNCTION", "LIST", "LIBRARYNAME", "sec*", "WITHCODE")
    assert len(only) == 1
    fields = dict(zip(only[0][::2], only[0][1::2]))
    assert fields[b"library_name"] == b"second"
    assert fields[b"library_code"].startswith(b"#!lua name=second")


def test_delete_flush_and_stats(r):
    load(r)
    stats = r.execute_command("FUNCTION", "STATS")
    fields = dict(zip(stats[::2], stats[1::2]))
    assert fields[b"running_script"] is None
    engines = dict(zip(fields[b"engines"][::2], fields[b"engines"][1::2]))
    lua = dict(zip(engines[b"LUA"][::2], engines[b"LUA"][1::2]))
    assert lua == {b"libraries_count": 1, b"functions_count": 2}
    raises(r, "^Library not found$", "FUNCTION", "DELETE", "nope")
    assert call(r, "FUNCTION", "DELETE", "mylib") == b"OK"
    raises(r, "^Function not found$", "FCALL", "my_get", "1", "k")
    load(r)
    assert call(r, "FUNCTION", "FLUSH", "SYNC") == b"OK"
    assert r.execute_command("FUNCTION", "LIST") == []
    assert call(r, "FUNCTION", "FLUSH", "ASYNC") == b"OK"


def test_dump_and_restore_policies(r):
    load(r)
    payload = call(r, "FUNCTION", "DUMP")
    assert isinstance(payload, bytes) and len(payload) > 20
    raises(r, "^Library mylib already exists$", "FUNCTION", "RESTORE", payload)
    raises(r, "^Library mylib already exists$", "FUNCTION", "RESTORE", payload, "APPEND")
    assert call(r, "FUNCTION", "RESTORE", payload, "REPLACE") == b"OK"
    call(r, "FUNCTION", "FLUSH")
    assert call(r, "FUNCTION", "RESTORE", payload) == b"OK"
    assert call(r, "FCALL", "my_set", "1", "k", "restored") == b"OK"
    assert call(r, "FCALL", "my_get", "1", "k") == b"restored"
    other = "#!lua name=other\nredis.register_function('x', function() return 1 end)"
    load(r, other)
    assert call(r, "FUNCTION", "RESTORE", payload, "FLUSH") == b"OK"
    names = [dict(zip(l[::2], l[1::2]))[b"library_name"] for l in r.execute_command("FUNCTION", "LIST")]
    assert names == [b"mylib"]
    bad = payload[:-1] + bytes([payload[-1] ^ 0xFF])
    raises(r, "^DUMP payload version or checksum are wrong$", "FUNCTION", "RESTORE", bad)


def test_function_kill_without_a_running_function(r):
    raises(r, "^NOTBUSY No scripts in execution right now.$", "FUNCTION", "KILL")


def test_function_kill_stops_a_busy_read_only_function(r, shared_server):
    code = ("#!lua name=spin\nredis.register_function{function_name='spin', flags={'no-writes'},"
            " callback=function() while true do end end}")
    load(r, code)
    r.config_set("busy-reply-threshold", 100)
    outcome = {}

    def run():
        other = redis.Redis(host="127.0.0.1", port=shared_server.port, socket_timeout=20)
        try:
            other.execute_command("FCALL", "spin", "0")
        except redis.ResponseError as err:
            outcome["error"] = str(err)
        finally:
            other.close()

    t = threading.Thread(target=run)
    t.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                r.ping()
            except redis.exceptions.BusyLoadingError:
                raise
            except redis.ResponseError as err:
                assert "FUNCTION KILL" in str(err)
                break
            assert time.monotonic() < deadline, "the server never answered BUSY"
            time.sleep(0.02)
        assert call(r, "FUNCTION", "KILL") == b"OK"
    finally:
        t.join(timeout=15)
        r.config_set("busy-reply-threshold", 5000)
    assert not t.is_alive()
    # Redis 7.0 words it so for functions too.
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL...")
    assert "script: spin, on @user_function:" in outcome["error"]
    assert r.ping()
