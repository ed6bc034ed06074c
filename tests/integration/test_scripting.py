"""Lua scripting: EVAL/EVALSHA/EVAL_RO, SCRIPT, the redis API, conversions, the sandbox, errors as
Redis 7.0 words them, redis-py's Lock and register_script, and busy scripts (SCRIPT KILL)."""
import hashlib
import threading
import time

import pytest
import redis
from redis.exceptions import LockError

from support.calls import call, raises, skip_unless_command
from support.resp_socket import RawConnection


def script_error(message, body):
    """The reply text of a runtime error raised on line 1 of `body`, as redis-py shows it (without a
    leading "ERR ")."""
    text = f"{message} script: {hashlib.sha1(body.encode()).hexdigest()}, on @user_script:1."
    return text[4:] if text.startswith("ERR ") else text


def assert_script_error(r, message, body, *args):
    with pytest.raises(redis.ResponseError) as err:
        call(r, "EVAL", body, 0, *args)
    assert str(err.value) == script_error(message, body)
    assert r.ping() is True  # still serving


# --- EVAL basics and conversions -----------------------------------------------------------------

def test_eval_keys_and_argv(r):
    assert call(r, "EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", 2, "k1", "k2", "a1", "a2") == \
        [b"k1", b"k2", b"a1", 2]
    assert call(r, "EVAL", "return #KEYS", 0) == 0
    assert call(r, "EVAL", "return redis.call('set', KEYS[1], ARGV[1])", 1, "k", "v") == b"OK"
    assert r.get("k") == b"v"


def test_numkeys_errors(r):
    raises(r, r"^Number of keys can't be negative$", "EVAL", "return 1", -1)
    raises(r, r"^Number of keys can't be greater than number of args$", "EVAL", "return 1", 2, "a")
    raises(r, r"^value is not an integer or out of range$", "EVAL", "return 1", "x")


def test_lua_to_resp2(raw):
    cases = {
        "return 'x'": b"$1\r\nx\r\n",
        "return 3.99": b":3\r\n",
        "return -3.99": b":-3\r\n",
        "return 2^63": b":-9223372036854775808\r\n",
        "return true": b":1\r\n",
        "return false": b"$-1\r\n",
        "return nil": b"$-1\r\n",
        "return {1, 2, 3.7, 'x', nil, 5}": b"*4\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n",
        "return {ok='fine'}": b"+fine\r\n",
        "return {ok=5}": b"*0\r\n",
        "return {err='MY x\\r\\ny'}": b"-MY x  y\r\n",
        "return {1, {err='bad'}, {ok='x'}}": b"*3\r\n:1\r\n-bad\r\n+x\r\n",
        "return {double=1.5}": b"$3\r\n1.5\r\n",
        "return {map={a=1}}": b"*2\r\n$1\r\na\r\n:1\r\n",
        "return {set={a=true}}": b"*1\r\n$1\r\na\r\n",
        "return {big_number='123'}": b"$3\r\n123\r\n",
        "return {verbatim_string={format='txt', string='abc'}}": b"$3\r\nabc\r\n",
        "redis.setresp(3) return true": b":1\r\n",
        "redis.setresp(3) return false": b":0\r\n",
        "return redis.status_reply('FINE')": b"+FINE\r\n",
        "return redis.error_reply('x')": b"-ERR x\r\n",
        "return redis.error_reply('MY x')": b"-MY x\r\n",
        "return redis.error_reply()": b"-ERR wrong number or type of arguments\r\n",
    }
    for body, expected in cases.items():
        raw.send_command("EVAL", body, "0")
        assert raw.read_frame() == expected, body


def test_lua_to_resp3(resp3):
    cases = {
        "return {map={a=1}}": b"%1\r\n$1\r\na\r\n:1\r\n",
        "return {set={a=true}}": b"~1\r\n$1\r\na\r\n",
        "return {double=1.5}": b",1.5\r\n",
        "return {big_number='123'}": b"(123\r\n",
        "return {verbatim_string={format='txt', string='abc'}}": b"=7\r\ntxt:abc\r\n",
        "return true": b":1\r\n",
        "return false": b"_\r\n",
        "return nil": b"_\r\n",
        "redis.setresp(3) return true": b"#t\r\n",
        "redis.setresp(3) return false": b"#f\r\n",
    }
    for body, expected in cases.items():
        resp3.send_command("EVAL", body, "0")
        assert resp3.read_frame() == expected, body


def test_resp_to_lua(r):
    r.hset("h", "a", "1")
    r.sadd("s", "x")
    r.zadd("z", {"m": 1.5})
    assert call(r, "EVAL", "return type(redis.call('ping'))", 0) == b"table"
    assert call(r, "EVAL", "return redis.call('ping').ok", 0) == b"PONG"
    assert call(r, "EVAL", "return tostring(redis.call('get', 'nokey'))", 0) == b"false"
    assert call(r, "EVAL", "return redis.call('hgetall', 'h')", 0) == [b"a", b"1"]
    # RESP3 replies inside the script after setresp(3).
    body = ("redis.setresp(3) local m = redis.call('hgetall', 'h') local s = redis.call('smembers', 's') "
            "local d = redis.call('zscore', 'z', 'm') local n = redis.call('get', 'nokey') "
            "return {m.map.a, tostring(s.set.x), tostring(d.double), type(n)}")
    assert call(r, "EVAL", body, 0) == [b"1", b"true", b"1.5", b"nil"]
    # Each script starts in RESP2 again.
    assert call(r, "EVAL", "return type(redis.call('hgetall', 'h')[1])", 0) == b"string"
    # Numbers are sent to commands as %.17g.
    body = ("redis.call('set', 'x', 1.5) redis.call('set', 'y', 1e20) redis.call('set', 'z', 0.1) "
            "return {redis.call('get', 'x'), redis.call('get', 'y'), redis.call('get', 'z')}")
    assert call(r, "EVAL", body, 0) == [b"1.5", b"1e+20", b"0.10000000000000001"]


def test_redis_api(r):
    assert call(r, "EVAL", "return redis.sha1hex('')", 0) == b"da39a3ee5e6b4b0d3255bfef95601890afd80709"
    assert call(r, "EVAL", "return redis.REDIS_VERSION_NUM", 0) == 0x07000F
    assert call(r, "EVAL", "return redis.REDIS_VERSION", 0) == b"7.0.15"
    assert call(r, "EVAL", "return redis.replicate_commands()", 0) == 1
    assert call(r, "EVAL", "return {redis.breakpoint()}", 0) == [None]
    assert call(r, "EVAL", "return {redis.set_repl(redis.REPL_ALL)}", 0) == []
    assert call(r, "EVAL", "redis.log(redis.LOG_WARNING, 'from a script') return 1", 0) == 1
    assert call(r, "EVAL", "return redis.acl_check_cmd('get', 'x')", 0) == 1
    assert call(r, "EVAL", "return cjson.encode({a=1})", 0) == b'{"a":1}'
    assert call(r, "EVAL", "return bit.band(7, 3)", 0) == 3
    assert call(r, "EVAL", "return _VERSION", 0) == b"Lua 5.1"
    assert 1 <= call(r, "EVAL", "return math.random(10)", 0) <= 10


def test_redis_api_argument_errors(r):
    assert_script_error(r, "ERR RESP version must be 2 or 3.", "return redis.setresp(4)")
    assert_script_error(r, "ERR redis.setresp() requires one argument.", "return redis.setresp()")
    assert_script_error(r, "ERR redis.log() requires two arguments or more.", "return redis.log(1)")
    assert_script_error(r, "ERR Invalid debug level.", "return redis.log(99, 'x')")
    assert_script_error(r, "ERR wrong number of arguments", "return redis.sha1hex()")
    assert_script_error(r, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                        "REPL_NONE.", "return redis.set_repl(99)")
    assert_script_error(r, "ERR Invalid command passed to redis.acl_check_cmd()",
                        "return redis.acl_check_cmd('nosuch')")


# --- Script cache --------------------------------------------------------------------------------

def test_script_load_exists_flush_evalsha(r):
    sha = r.script_load("return 'cached'")
    assert sha == hashlib.sha1(b"return 'cached'").hexdigest()
    assert r.script_exists(sha, "0" * 40) == [True, False]
    assert call(r, "EVALSHA", sha, 0) == b"cached"
    assert call(r, "EVALSHA", sha.upper(), 0) == b"cached"
    assert call(r, "EVALSHA_RO", sha, 0) == b"cached"
    assert r.script_flush() is True
    raises(r, r"^No matching script. Please use EVAL.$", "EVALSHA", sha, 0)
    raises(r, r"^No matching script. Please use EVAL.$", "EVALSHA", "abc", 0)
    assert call(r, "SCRIPT", "FLUSH", "ASYNC") == b"OK"
    raises(r, r"^SCRIPT FLUSH only support SYNC\|ASYNC option$", "SCRIPT", "FLUSH", "bad")
    raises(r, r"^NOTBUSY No scripts in execution right now.$", "SCRIPT", "KILL")
    raises(r, r"^Error compiling script \(new function\): user_script:1: unexpected symbol near '<eof>'$",
           "SCRIPT", "LOAD", "return 1 +")


def test_register_script(r):
    incr_by = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
    assert incr_by(keys=["n"], args=[5]) == 5
    r.script_flush()  # redis-py reloads on NOSCRIPT
    assert incr_by(keys=["n"], args=[2]) == 7


# --- redis-py Lock -------------------------------------------------------------------------------

def test_lock_acquire_extend_release(r):
    lock = r.lock("lock:a", timeout=5)
    assert lock.acquire(blocking=False) is True
    assert r.pttl("lock:a") > 0
    assert lock.extend(10) is True
    assert r.pttl("lock:a") > 5000
    assert lock.reacquire() is True
    assert 4000 < r.pttl("lock:a") <= 5000
    lock.release()
    assert r.exists("lock:a") == 0
    with pytest.raises(LockError):
        lock.release()


def test_lock_contention(r, shared_server):
    other = shared_server.client()
    try:
        holder = r.lock("lock:b", timeout=10, thread_local=False)  # released from a timer thread
        waiter = other.lock("lock:b", timeout=10, blocking_timeout=0.3, sleep=0.05)
        assert holder.acquire() is True
        start = time.monotonic()
        assert waiter.acquire() is False
        assert time.monotonic() - start >= 0.25
        # A lock whose token changed cannot be released or extended by its old owner.
        with pytest.raises(LockError):
            waiter.release()

        released = threading.Timer(0.2, holder.release)
        released.start()
        assert other.lock("lock:b", timeout=10, blocking_timeout=3, sleep=0.05).acquire() is True
        released.join()
        assert r.get("lock:b") is not None
    finally:
        other.close()


# --- A script over every data type ---------------------------------------------------------------

def test_script_calls_every_type(r):
    body = """
    redis.call('set', 'str', 'v') redis.call('append', 'str', 'w')
    redis.call('hset', 'hash', 'f', '1') redis.call('hincrby', 'hash', 'f', 2)
    redis.call('rpush', 'list', 'a', 'b') redis.call('lpush', 'list', 'z')
    redis.call('sadd', 'set', 'x', 'y')
    redis.call('zadd', 'zset', 2, 'two', 1, 'one')
    redis.call('setbit', 'bits', 7, 1)
    redis.call('pfadd', 'hll', 'a', 'b', 'c')
    redis.call('geoadd', 'geo', 13.361389, 38.115556, 'Palermo')
    return {
      redis.call('get', 'str'), redis.call('hget', 'hash', 'f'), redis.call('lrange', 'list', 0, -1),
      redis.call('scard', 'set'), redis.call('zrange', 'zset', 0, -1), redis.call('bitcount', 'bits'),
      redis.call('pfcount', 'hll'), #redis.call('geopos', 'geo', 'Palermo')[1], redis.call('type', 'zset')
    }
    """
    assert call(r, "EVAL", body, 0) == [b"vw", b"3", [b"z", b"a", b"b"], 2, [b"one", b"two"], 1, 3, 2,
                                        b"zset"]


def test_script_calls_streams(r):
    skip_unless_command(r, "XLEN", "nostream")
    body = "redis.call('xadd', 's', '1-1', 'f', 'v') return redis.call('xlen', 's')"
    assert call(r, "EVAL", body, 0) == 1


def test_select_inside_script_stays_inside(r):
    assert call(r, "EVAL", "redis.call('select', 5) redis.call('set', 'in5', 'x') return 1", 0) == 1
    assert r.get("in5") is None
    r.execute_command("SELECT", 5)
    assert r.get("in5") == b"x"
    r.execute_command("SELECT", 0)


def test_blocking_commands_are_refused_in_scripts(r):
    assert_script_error(r, "ERR This Redis command is not allowed from script",
                        "return redis.call('blpop', 'nolist', 0)")


# --- Bad scripts ---------------------------------------------------------------------------------

def test_syntax_error(r):
    raises(r, r"^Error compiling script \(new function\): user_script:1: unexpected symbol near '<eof>'$",
           "EVAL", "return 1 +", 0)
    assert r.ping() is True


def test_runtime_errors(r):
    assert_script_error(r, "ERR user_script:1: attempt to perform arithmetic on a nil value",
                        "return nil + 1")
    assert_script_error(r, "ERR user_script:1: x", "return error('x')")
    assert_script_error(r, "MY x", "return error({err='MY x'})")
    assert_script_error(r, "ERR nil", "return error(nil)")


def test_redis_call_errors(r):
    assert_script_error(r, "ERR Unknown Redis command called from script", "redis.call('nosuch')")
    assert_script_error(r, "ERR Unknown Redis command called from script",
                        "return redis.call('config', 'bad')")
    assert_script_error(r, "ERR Wrong number of args calling Redis command from script",
                        "return redis.call('get')")
    assert_script_error(r, "ERR Please specify at least one argument for this redis lib call",
                        "return redis.call()")
    assert_script_error(r, "ERR Lua redis lib command arguments must be strings or integers",
                        "return redis.call({})")
    assert_script_error(r, "ERR This Redis command is not allowed from script",
                        "return redis.call('multi')")
    r.set("s", "x")
    assert_script_error(r, "ERR value is not an integer or out of range", "return redis.call('incr', 's')")
    # pcall returns the error instead of raising it.
    raises(r, r"^Unknown Redis command called from script$", "EVAL", "return redis.pcall('nosuch')", 0)
    raises(r, r"^value is not an integer or out of range$", "EVAL", "return redis.pcall('incr', 's')", 0)
    # Lua's pcall gives an error table's message.
    body = "local ok, e = pcall(redis.call, 'incr', 's') return {tostring(ok), type(e), e}"
    assert call(r, "EVAL", body, 0) == [b"false", b"string", b"ERR value is not an integer or out of range"]


def test_read_only_scripts(r):
    with pytest.raises(redis.ResponseError) as err:
        call(r, "EVAL_RO", "return redis.call('set', 'a', 'b')", 0)
    assert str(err.value) == script_error("ERR Write commands are not allowed from read-only scripts.",
                                          "return redis.call('set', 'a', 'b')")
    r.set("a", "1")
    assert call(r, "EVAL_RO", "return redis.call('get', 'a')", 0) == b"1"
    body = "#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')"
    with pytest.raises(redis.ResponseError) as err:
        call(r, "EVAL", body, 0)
    assert str(err.value).startswith("Write commands are not allowed from read-only scripts.")
    assert str(err.value).endswith("on @user_script:2.")
    raises(r, r"^Can not execute a script with write flag using \*_ro command.$",
           "EVAL_RO", "#!lua\nreturn 1", 0)
    assert r.get("a") == b"1"


def test_shebang(r):
    assert call(r, "EVAL", "#!lua\nreturn 1", 0) == 1
    assert call(r, "EVAL", "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n"
                "return 1", 0) == 1
    raises(r, r"^Unexpected flag in script shebang: bad$", "EVAL", "#!lua flags=bad\nreturn 1", 0)
    raises(r, r"^Unexpected flag in script shebang: $", "EVAL", "#!lua flags=no-writes,\nreturn 1", 0)
    raises(r, r"^Unknown lua shebang option: name=x$", "EVAL", "#!lua name=x\nreturn 1", 0)
    raises(r, r"^Unexpected engine in script shebang: #!luax$", "EVAL", "#!luax\nreturn 1", 0)
    raises(r, r"^Invalid script shebang$", "EVAL", "#!lua", 0)


def test_sandbox(r):
    assert_script_error(r, "ERR user_script:1: Attempt to modify a readonly table", "x = 1")
    assert_script_error(r, "ERR user_script:1: Attempt to modify a readonly table", "string.x = 1")
    assert_script_error(r, "ERR Attempt to modify a readonly table", "rawset(_G, 'x', 1)")
    assert_script_error(r, "ERR Attempt to modify a readonly table", "setmetatable(_G, nil)")
    for name in ("y", "loadfile", "dofile", "print", "io", "require", "debug"):
        assert_script_error(
            r, f"ERR user_script:1: Script attempted to access nonexistent global variable '{name}'",
            f"return {name}")
    body = "local t = {} for k in pairs(redis) do t[#t + 1] = k end table.sort(t) return t"
    assert b"call" in call(r, "EVAL", body, 0)
    assert call(r, "EVAL", "return ('abc'):upper()", 0) == b"ABC"


def test_oom(server_factory):
    server = server_factory()
    client = server.client()
    try:
        client.config_set("maxmemory", 1)
        raises(client, r"^OOM command not allowed when used memory > 'maxmemory'.$",
               "EVAL", "#!lua\nreturn 1", 0)
        with pytest.raises(redis.ResponseError, match=r"^OOM command not allowed"):
            call(client, "EVAL", "return redis.call('set', 'a', 'b')", 0)
        assert call(client, "EVAL", "return redis.call('get', 'a')", 0) is None
        assert call(client, "EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'a', 'b')", 0) == b"OK"
        assert call(client, "EVAL", "#!lua flags=no-writes\nreturn 1", 0) == 1
    finally:
        client.config_set("maxmemory", 0)
        client.close()


def test_command_info(r):
    info = call(r, "COMMAND", "INFO", "eval", "eval_ro")
    assert info[0][1] == -3 and info[1][1] == -3
    assert set(info[0][2]) >= {b"noscript", b"stale", b"skip_monitor", b"no_mandatory_keys", b"movablekeys"}
    assert b"readonly" in info[1][2]
    assert call(r, "COMMAND", "GETKEYS", "EVAL", "return 1", 2, "a", "b", "c") == [b"a", b"b"]


# --- Busy scripts --------------------------------------------------------------------------------

# A loop bounded by the server clock: it ends by itself after a few seconds on a server that cannot
# interrupt it, so that no test can hang.
BUSY_LOOP = "local t0 = tonumber(redis.call('time')[1]) while tonumber(redis.call('time')[1]) - t0 < 4 do end"


def run_in_thread(server, body):
    """Sends EVAL body on its own connection; returns (thread, result dict)."""
    result = {}

    def target():
        client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=15)
        try:
            result["reply"] = call(client, "EVAL", body, 0)
        except redis.ResponseError as err:
            result["error"] = str(err)
        except redis.ConnectionError:
            result["closed"] = True
        finally:
            client.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, result


def wait_busy(server, thread):
    """Returns a raw connection once the server answers BUSY to another client."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        conn = RawConnection(server.port, timeout=1.0)
        try:
            reply = conn.call("PING")
        except OSError:
            conn.close()
            thread.join(10)
            pytest.fail("the server did not answer another client while the script ran")
        if isinstance(reply, Exception) and str(reply).startswith("BUSY"):
            return conn
        conn.close()
        time.sleep(0.05)
    thread.join(10)
    pytest.fail("no BUSY reply while the script ran")


def test_script_kill(server_factory):
    server = server_factory()
    client = server.client()
    client.config_set("busy-reply-threshold", 100)
    thread, result = run_in_thread(server, BUSY_LOOP)
    time.sleep(0.2)
    conn = wait_busy(server, thread)
    try:
        reply = conn.call("GET", "x")
        assert str(reply) == "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
        assert conn.call("SCRIPT", "KILL") == b"OK"
    finally:
        conn.close()
    thread.join(10)
    assert result["error"] == script_error("ERR Script killed by user with SCRIPT KILL...", BUSY_LOOP)
    assert client.ping() is True
    client.close()


def test_script_unkillable_after_write(server_factory):
    server = server_factory()
    client = server.client()
    client.config_set("busy-reply-threshold", 100)
    body = "redis.call('set', 'w', '1') " + BUSY_LOOP + " return 'done'"
    thread, result = run_in_thread(server, body)
    time.sleep(0.2)
    conn = wait_busy(server, thread)
    try:
        reply = conn.call("SCRIPT", "KILL")
        assert str(reply).startswith("UNKILLABLE Sorry the script already executed write commands against "
                                     "the dataset.")
    finally:
        conn.close()
    thread.join(10)
    assert result["reply"] == b"done"
    assert client.get("w") == b"1"
    client.close()


def test_cmsgpack_and_struct_libraries(r):
    assert call(r, "EVAL", "return cmsgpack.pack({1, 2, 3})", "0") == b"\x93\x01\x02\x03"
    assert call(r, "EVAL", "return cmsgpack.unpack(cmsgpack.pack({a=1}))['a']", "0") == 1
    assert call(r, "EVAL", "return struct.pack('>I2', 258)", "0") == b"\x01\x02"
    assert call(r, "EVAL", "return {struct.unpack('<i4', ARGV[1])}", "0", b"\xff\xff\xff\xff") == [-1, 5]
    assert call(r, "EVAL", "return struct.size('!4 b i4')", "0") == 8


def test_info_memory_counts_cached_scripts(r):
    call(r, "SCRIPT", "FLUSH")
    call(r, "SCRIPT", "LOAD", "return 1")
    call(r, "EVAL", "return 2", "0")
    info = r.info("memory")
    assert info["number_of_cached_scripts"] == 2
    assert info["used_memory_lua"] > 0
    assert info["used_memory_scripts_eval"] > 0
    call(r, "SCRIPT", "FLUSH")
    assert r.info("memory")["number_of_cached_scripts"] == 0


def test_keys_do_not_expire_while_a_script_runs(r):
    r.set("short", "v", px=30)
    body = """
    local before = redis.call('EXISTS', KEYS[1])
    local t = redis.call('TIME')
    local start = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
    repeat
      t = redis.call('TIME')
    until tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 - start > 60
    return {before, redis.call('EXISTS', KEYS[1])}
    """
    assert call(r, "EVAL", body, "1", "short") == [1, 1]
    time.sleep(0.01)
    assert r.exists("short") == 0


def test_shutdown_nosave_ends_an_unkillable_script(server_factory):
    server = server_factory()
    client = server.client()
    client.config_set("busy-reply-threshold", 100)
    body = "redis.call('set', 'w', '1') " + BUSY_LOOP + " return 'done'"
    thread, result = run_in_thread(server, body)
    conn = wait_busy(server, thread)
    try:
        conn.send_command("SHUTDOWN", "NOSAVE")
        assert server.wait_exit(timeout=5) is not None, "the server kept running"
    finally:
        conn.close()
        client.close()
        thread.join(10)
    assert result == {"closed": True}  # the script's caller never got an answer


def test_os_has_only_clock(r, shared_server):
    if shared_server.binary.endswith("redis-server"):
        # redis-server 7.0.15 has no os at all (7.2 added os.clock, which Tandem offers).
        assert_script_error(
            r, "ERR user_script:1: Script attempted to access nonexistent global variable 'os'",
            "return os")
        return
    assert call(r, "EVAL", "return type(os.clock())", "0") == b"number"
    assert call(r, "EVAL", "return {os.exit == nil, os.execute == nil, os.getenv == nil}", "0") == [1, 1, 1]
