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


# ---- additions: load-time API, run-time behaviour, flags, payloads, busy functions ----------

def _crc64(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc


def _payload(body):
    """A DUMP payload: body, RDB version 10, CRC64 (little endian)."""
    body += bytes([10, 0])
    return body + _crc64(body).to_bytes(8, "little")


def _rdb_string(s):
    assert len(s) < 16384
    if len(s) < 64:
        return bytes([len(s)]) + s
    return bytes([0x40 | (len(s) >> 8), len(s) & 0xFF]) + s


def test_fcall_passes_keys_and_args_and_no_globals(r):
    load(r, "#!lua name=k\n"
            "redis.register_function('ka', function(keys, args) return {keys[1], args[1], #keys, #args} end)\n"
            "redis.register_function('glob', function() return KEYS end)")
    assert call(r, "FCALL", "ka", "2", "a", "b", "c") == [b"a", b"c", 2, 1]
    assert call(r, "FCALL", "KA", "1", "a", "x") == [b"a", b"x", 1, 1]  # names are case-insensitive
    raises(r, "^user_function:3: Script attempted to access nonexistent global variable 'KEYS' "
              "script: glob, on @user_function:3.$", "FCALL", "glob", "0")
    raises(r, "^Bad number of keys provided$", "FCALL", "ka", "x")


def test_function_errors_name_the_function_and_line(r):
    load(r, "#!lua name=e\n"
            "redis.register_function('boom', function() error('boom') end)\n"
            "redis.register_function('inc', function(keys) return redis.call('incr', keys[1]) end)\n"
            "redis.register_function('pinc', function(keys) return redis.pcall('incr', keys[1]) end)")
    r.set("s", "text")
    raises(r, "^user_function:2: boom script: boom, on @user_function:2.$", "FCALL", "boom", "0")
    raises(r, "^value is not an integer or out of range script: inc, on @user_function:3.$",
           "FCALL", "inc", "1", "s")
    raises(r, "^value is not an integer or out of range$", "FCALL", "pinc", "1", "s")


def test_setresp_inside_a_function(r):
    load(r, "#!lua name=rs\nredis.register_function('h', function(keys)\n"
            "  redis.setresp(3)\n  local m = redis.call('hgetall', keys[1])\n"
            "  return m['map']['f']\nend)")
    r.hset("h", "f", "v")
    assert call(r, "FCALL", "h", "1", "h") == b"v"


def test_no_writes_and_allow_oom_flags(r):
    load(r, "#!lua name=fl\n"
            "redis.register_function{function_name='ro', flags={'no-writes'},\n"
            "  callback=function(keys) return redis.call('set', keys[1], 'x') end}\n"
            "redis.register_function{function_name='w',\n"
            "  callback=function(keys) return redis.call('set', keys[1], 'x') end}\n"
            "redis.register_function{function_name='oom', flags={'allow-oom'},\n"
            "  callback=function(keys) return redis.call('set', keys[1], 'x') end}")
    raises(r, "^Write commands are not allowed from read-only scripts. script: ro, "
              "on @user_function:3.$", "FCALL", "ro", "1", "k")
    r.config_set("maxmemory", 1)
    try:
        raises(r, "^OOM command not allowed", "FCALL", "w", "1", "k")
        assert call(r, "FCALL", "oom", "1", "k") == b"OK"
        raises(r, "^OOM command not allowed", "FUNCTION", "LOAD", LIB)
    finally:
        r.config_set("maxmemory", 0)
    assert call(r, "FCALL", "w", "1", "k") == b"OK"


def test_the_load_time_environment(r):
    err = "^Error registering functions: ERR user_function:2: Script attempted to access " \
          "nonexistent global variable '{}'$"
    raises(r, err.format("call"), "FUNCTION", "LOAD", "#!lua name=c\nredis.call('ping')")
    raises(r, err.format("string"), "FUNCTION", "LOAD",
           "#!lua name=c\nlocal s = string.rep('a', 2)")
    raises(r, err.format("setresp"), "FUNCTION", "LOAD", "#!lua name=c\nredis.setresp(3)")
    raises(r, "^Error registering functions: ERR user_function:2: Attempt to modify a readonly "
              "table$", "FUNCTION", "LOAD", "#!lua name=c\nredis.x = 1")
    # log, the LOG_* constants and the version are there.
    assert load(r, "#!lua name=v\nredis.log(redis.LOG_NOTICE, 'loading', redis.REDIS_VERSION)\n"
                   "local v = redis.REDIS_VERSION_NUM\n"
                   "redis.register_function('v', function() return v end)") == b"v"
    assert call(r, "FCALL", "v", "0") == 0x07000F


def test_a_library_that_loops_hits_the_load_timeout(r):
    start = time.monotonic()
    raises(r, "^Error registering functions: ERR FUNCTION LOAD timeout$",
           "FUNCTION", "LOAD", "#!lua name=loop\nwhile true do end")
    assert time.monotonic() - start < 5
    assert r.ping()


def test_register_function_argument_errors(r):
    cases = {
        "redis.register_function('f')":
            "calling redis.register_function with a single argument is only applicable to Lua table",
        "redis.register_function('f', 1)": "second argument to redis.register_function must be a function",
        "redis.register_function()": "wrong number of arguments to redis.register_function",
        "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}":
            "unknown flag given",
        "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}":
            "flags argument to redis.register_function must be a table representing function flags",
        "redis.register_function{function_name='f', callback=function() end, foo=1}":
            "unknown argument given to redis.register_function",
        "redis.register_function{function_name='f'}": "redis.register_function must get a callback argument",
        "redis.register_function{callback=function() end}":
            "redis.register_function must get a function name argument",
        "redis.register_function('a-b', function() end)": "Library names can only contain letters",
        "redis.register_function('f', function() end) redis.register_function('f', function() end)":
            "Function already exists in the library",
    }
    for code, message in cases.items():
        with pytest.raises(redis.ResponseError) as err:
            call(r, "FUNCTION", "LOAD", "#!lua name=x\n" + code)
        assert str(err.value).startswith("Error registering functions: ERR " + message), code


def test_library_metadata_errors(r):
    body = "\nredis.register_function('f', function() end)"
    raises(r, "^Library name was not given$", "FUNCTION", "LOAD", "#!lua" + body)
    raises(r, "^Invalid metadata value given: foo=bar$", "FUNCTION", "LOAD", "#!lua name=x foo=bar" + body)
    raises(r, "^Invalid metadata value, name argument was given multiple times$",
           "FUNCTION", "LOAD", "#!lua name=x name=y" + body)
    raises(r, "^Engine 'js' not found$", "FUNCTION", "LOAD", "#!js name=x" + body)
    raises(r, "^Invalid library metadata$", "FUNCTION", "LOAD", "#!lua name=x")
    raises(r, "^Unknown option given: x$", "FUNCTION", "LOAD", "x", "#!lua name=x" + body)
    # Library names are case-sensitive, function names are not.
    assert load(r, "#!LUA NAME=x" + body) == b"x"
    assert load(r, "#!lua name=X\nredis.register_function('g', function() end)") == b"X"
    raises(r, "^Function F already exists$", "FUNCTION", "LOAD",
           "#!lua name=y\nredis.register_function('F', function() end)")


def test_replace_keeps_the_old_library_on_error(r):
    load(r)
    raises(r, "^Error compiling function", "FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nnot lua")
    assert call(r, "FCALL", "my_set", "1", "k", "v") == b"OK"


def test_function_list_in_resp3(r, resp3):
    load(r, "#!lua name=one\nredis.register_function{function_name='f1', flags={'no-writes', 'allow-stale'},"
            " callback=function() return 1 end}")
    resp3.send_command("FUNCTION", "LIST")
    assert resp3.read_frame() == (
        b"*1\r\n%3\r\n$12\r\nlibrary_name\r\n$3\r\none\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
        b"$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$2\r\nf1\r\n$11\r\ndescription\r\n_\r\n"
        b"$5\r\nflags\r\n~2\r\n+no-writes\r\n+allow-stale\r\n")
    resp3.send_command("FUNCTION", "STATS")
    assert resp3.read_frame() == (
        b"%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n"
        b"%2\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n")


def test_function_subcommand_argument_errors(r):
    raises(r, "^library name argument was not given$", "FUNCTION", "LIST", "LIBRARYNAME")
    raises(r, "^Unknown argument WITHCODE$", "FUNCTION", "LIST", "WITHCODE", "WITHCODE")
    raises(r, "^FUNCTION FLUSH only supports SYNC\\|ASYNC option$", "FUNCTION", "FLUSH", "x")
    raises(r, "^Wrong restore policy given", "FUNCTION", "RESTORE", "x", "bad")
    raises(r, "^DUMP payload version or checksum are wrong$", "FUNCTION", "RESTORE", "x")
    raises(r, "^unknown subcommand 'nosuch'. Try FUNCTION HELP.$", "FUNCTION", "nosuch")
    assert call(r, "FUNCTION", "HELP")[0].startswith(b"FUNCTION <subcommand>")


def test_restore_payload_records(r):
    lib = b"#!lua name=two\nredis.register_function('g', function() return 2 end)"
    raises(r, "^given type is not a function$", "FUNCTION", "RESTORE", _payload(b"\x00" + _rdb_string(b"x")))
    raises(r, "^Failed loading library payload$", "FUNCTION", "RESTORE", _payload(b"\xf5"))
    raises(r, "^Missing library metadata$", "FUNCTION", "RESTORE", _payload(b"\xf5" + _rdb_string(b"return 1")))
    raises(r, "^Library 'two' already exists$", "FUNCTION", "RESTORE",
           _payload(b"\xf5" + _rdb_string(lib) + b"\xf5" + _rdb_string(lib)))
    assert call(r, "FUNCTION", "RESTORE", _payload(b"\xf5" + _rdb_string(lib))) == b"OK"
    assert call(r, "FCALL", "g", "0") == 2
    # A release candidate's record: name, engine, description, code without its shebang.
    pre_ga = (b"\xf6" + _rdb_string(b"old") + _rdb_string(b"LUA") + b"\x01" + _rdb_string(b"desc")
              + _rdb_string(b"redis.register_function('h', function() return 3 end)"))
    assert call(r, "FUNCTION", "RESTORE", _payload(pre_ga)) == b"OK"
    assert call(r, "FCALL", "h", "0") == 3
    code = r.execute_command("FUNCTION", "LIST", "LIBRARYNAME", "old", "WITHCODE")[0][-1]
    assert code == b"#!LUA name=old\nredis.register_function('h', function() return 3 end)"
    # REPLACE still refuses a function that another library has.
    clash = b"#!lua name=three\nredis.register_function('g', function() return 1 end)"
    raises(r, "^Function g already exists$", "FUNCTION", "RESTORE",
           _payload(b"\xf5" + _rdb_string(clash)), "REPLACE")
    # An empty payload with FLUSH drops every library.
    assert call(r, "FUNCTION", "RESTORE", _payload(b""), "FLUSH") == b"OK"
    assert r.execute_command("FUNCTION", "LIST") == []


def _in_background(port, *command):
    outcome = {}

    def run():
        other = redis.Redis(host="127.0.0.1", port=port, socket_timeout=20)
        try:
            outcome["reply"] = other.execute_command(*command)
        except redis.ResponseError as err:
            outcome["error"] = str(err)
        finally:
            other.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _wait_busy(r, wording):
    deadline = time.monotonic() + 10
    while True:
        try:
            r.ping()
        except redis.ResponseError as err:
            assert wording in str(err)
            return
        assert time.monotonic() < deadline, "the server never answered BUSY"
        time.sleep(0.02)


def test_busy_function_stats_and_the_kill_commands(r, shared_server):
    load(r, "#!lua name=spin\nredis.register_function{function_name='spin', flags={'no-writes'},"
            " callback=function() while true do end end}")
    r.config_set("busy-reply-threshold", 100)
    thread, outcome = _in_background(shared_server.port, "FCALL_RO", "spin", "0")
    try:
        _wait_busy(r, "FUNCTION KILL")
        stats = call(r, "FUNCTION", "STATS")
        running = dict(zip(stats[1][::2], stats[1][1::2]))
        assert running[b"name"] == b"spin"
        assert running[b"command"] == [b"FCALL_RO", b"spin", b"0"]
        assert running[b"duration_ms"] >= 100
        raises(r, "^BUSY Redis is busy running a script. You can only call FUNCTION KILL",
               "SCRIPT", "KILL")
        assert call(r, "FUNCTION", "KILL") == b"OK"
    finally:
        thread.join(timeout=15)
        r.config_set("busy-reply-threshold", 5000)
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL... script: spin")


def test_function_kill_and_stats_refuse_a_busy_eval(r, shared_server):
    r.config_set("busy-reply-threshold", 100)
    thread, outcome = _in_background(shared_server.port, "EVAL", "while true do end", "0")
    try:
        _wait_busy(r, "SCRIPT KILL")
        raises(r, "^BUSY Redis is busy running a script. You can only call SCRIPT KILL",
               "FUNCTION", "KILL")
        raises(r, "^BUSY Redis is busy running a script. You can only call SCRIPT KILL",
               "FUNCTION", "STATS")
        assert call(r, "SCRIPT", "KILL") == b"OK"
    finally:
        thread.join(timeout=15)
        r.config_set("busy-reply-threshold", 5000)
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL...")


def test_a_function_that_wrote_is_unkillable(r, shared_server):
    load(r, "#!lua name=w\nredis.register_function('w', function(keys)\n"
            "  redis.call('set', keys[1], '1')\n"
            "  local t0 = redis.call('time')\n"
            "  while true do\n"
            "    local t = redis.call('time')\n"
            "    if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 600000 then return 'done' end\n"
            "  end\nend)")
    r.config_set("busy-reply-threshold", 100)
    thread, outcome = _in_background(shared_server.port, "FCALL", "w", "1", "k")
    try:
        _wait_busy(r, "FUNCTION KILL")
        raises(r, "^UNKILLABLE Sorry the script already executed write commands", "FUNCTION", "KILL")
    finally:
        thread.join(timeout=15)
        r.config_set("busy-reply-threshold", 5000)
    assert outcome["reply"] == b"done"
    assert r.get("k") == b"1"


def test_info_memory_counts_functions(r):
    load(r)
    info = r.info("memory")
    assert info["number_of_libraries"] == 1
    assert info["number_of_functions"] == 2
    assert info["used_memory_vm_functions"] > 0
    assert info["used_memory_functions"] > 0
    call(r, "FUNCTION", "FLUSH")
    info = r.info("memory")
    assert (info["number_of_libraries"], info["number_of_functions"]) == (0, 0)
