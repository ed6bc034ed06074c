"""Server introspection and maintenance commands: INFO, DBSIZE, FLUSHDB/FLUSHALL, TIME, SHUTDOWN, COMMAND,
MONITOR, SLOWLOG and DEBUG."""
import re
import time

import pytest
import redis

from support.raw_resp import RawConnection

DEBUG_REFUSED = ('ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run '
                 'it from a local connection, otherwise you need to set this option in the configuration file, and '
                 'then restart the server.')


@pytest.fixture
def port(shared_server):
    return shared_server.port


@pytest.fixture
def conn(r, port):
    """A raw connection to the shared server, which `r` has just flushed."""
    with RawConnection(port) as connection:
        yield connection


def info_text(port, *sections) -> str:
    with RawConnection(port) as connection:
        reply = connection.call("INFO", *sections)
    assert isinstance(reply, bytes), reply
    return reply.decode()


def section_headers(text):
    return [line[2:] for line in text.split("\r\n") if line.startswith("# ")]


def info_fields(text):
    fields = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields[name] = value
    return fields


# --- INFO -----------------------------------------------------------------------------------------------------

def test_info_default_sections(port):
    default = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
               "Errorstats", "Cluster", "Keyspace"]
    assert section_headers(info_text(port)) == default
    assert section_headers(info_text(port, "default")) == default


def test_info_all_and_everything(port):
    expected = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]
    assert section_headers(info_text(port, "all")) == expected
    assert section_headers(info_text(port, "everything")) == expected


def test_info_several_sections_and_unknown(port):
    assert section_headers(info_text(port, "server", "clients")) == ["Server", "Clients"]
    assert info_text(port, "nosuchsection") == ""


def test_info_server(port):
    text = info_text(port, "server")
    assert section_headers(text) == ["Server"]
    fields = info_fields(text)
    assert re.fullmatch(r"7\.\d+\.\d+", fields["redis_version"])
    assert fields["redis_mode"] == "standalone"
    assert fields["tcp_port"] == str(port)
    assert int(fields["process_id"]) > 0
    assert re.fullmatch(r"[0-9a-f]{40}", fields["run_id"])
    assert int(fields["uptime_in_seconds"]) >= 0
    assert abs(int(fields["server_time_usec"]) / 1e6 - time.time()) < 5
    assert fields["hz"] == "10"


def test_info_clients(port, conn):
    fields = info_fields(info_text(port, "clients"))
    assert int(fields["connected_clients"]) >= 2  # the fixture's client and this connection
    assert fields["maxclients"] == "10000"
    assert fields["blocked_clients"] == "0"


def test_info_memory(r, port):
    fields = info_fields(info_text(port, "memory"))
    assert int(fields["used_memory"]) > 0
    assert re.fullmatch(r"\d+(\.\d+)?[BKMG]", fields["used_memory_human"])
    assert int(fields["used_memory_peak"]) >= int(fields["used_memory"])
    assert fields["maxmemory"] == "0"
    assert fields["maxmemory_human"] == "0B"
    assert fields["maxmemory_policy"] == "noeviction"
    assert "mem_fragmentation_ratio" in fields
    r.set("big", "x" * 1_000_000)
    assert int(info_fields(info_text(port, "memory"))["used_memory"]) > int(fields["used_memory"]) + 900_000


def test_info_persistence(port):
    fields = info_fields(info_text(port, "persistence"))
    assert fields["loading"] == "0"
    assert fields["rdb_bgsave_in_progress"] == "0"
    assert fields["aof_enabled"] == "0"
    assert "rdb_changes_since_last_save" in fields


def test_info_stats(r, port):
    before = info_fields(info_text(port, "stats"))
    r.set("k", "v")
    r.get("k")
    r.get("missing")
    after = info_fields(info_text(port, "stats"))
    assert int(after["total_commands_processed"]) >= int(before["total_commands_processed"]) + 3
    assert int(after["keyspace_hits"]) == int(before["keyspace_hits"]) + 1
    assert int(after["keyspace_misses"]) == int(before["keyspace_misses"]) + 1
    assert int(after["total_connections_received"]) >= 1
    for name in ("expired_keys", "evicted_keys", "total_net_input_bytes", "instantaneous_ops_per_sec",
                 "total_error_replies"):
        assert name in after


def test_info_replication(port):
    fields = info_fields(info_text(port, "replication"))
    assert fields["role"] == "master"
    assert fields["connected_slaves"] == "0"
    assert re.fullmatch(r"[0-9a-f]{40}", fields["master_replid"])
    assert int(fields["master_repl_offset"]) >= 0


def test_info_cpu(port):
    fields = info_fields(info_text(port, "cpu"))
    for name in ("used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"):
        assert float(fields[name]) >= 0


def test_info_keyspace(port, conn):
    assert info_fields(info_text(port, "keyspace")) == {}
    conn.call("SET", "a", "1")
    conn.call("SET", "b", "2", "EX", "100")
    conn.call("SELECT", "2")
    conn.call("SET", "c", "3")
    fields = info_fields(info_text(port, "keyspace"))
    assert re.fullmatch(r"keys=2,expires=1,avg_ttl=\d+", fields["db0"])
    assert fields["db2"] == "keys=1,expires=0,avg_ttl=0"
    assert "db1" not in fields


def test_info_commandstats(r, port):
    r.config_resetstat()
    r.set("k", "v")
    r.set("k", "w")
    r.config_get("hz")
    fields = info_fields(info_text(port, "commandstats"))
    assert re.fullmatch(r"calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0",
                        fields["cmdstat_set"])
    # Subcommands are counted under container|subcommand.
    assert fields["cmdstat_config|get"].startswith("calls=1,")


def test_info_net_bytes_count_open_connections(r):
    before = r.info("stats")
    r.set("payload", b"x" * 100_000)
    after = r.info("stats")
    # Counted as the bytes flow, not when the connection closes.
    assert after["total_net_input_bytes"] - before["total_net_input_bytes"] >= 100_000
    assert after["total_net_output_bytes"] > before["total_net_output_bytes"]


def test_info_errorstats(r, port):
    r.config_resetstat()
    assert info_fields(info_text(port, "errorstats")) == {}
    r.set("s", "v")
    for _ in range(2):
        with pytest.raises(redis.ResponseError):
            r.execute_command("NOSUCHCOMMAND")
    with pytest.raises(redis.ResponseError):
        r.execute_command("HELLO", "4")
    fields = info_fields(info_text(port, "errorstats"))
    assert fields == {"errorstat_ERR": "count=2", "errorstat_NOPROTO": "count=1"}
    assert info_fields(info_text(port, "stats"))["total_error_replies"] == "3"


# --- DBSIZE, FLUSHDB, FLUSHALL, TIME ----------------------------------------------------------------------------

def test_dbsize_counts_the_selected_db(conn):
    assert conn.call("DBSIZE") == 0
    conn.call("MSET", "a", "1", "b", "2", "c", "3")
    assert conn.call("DBSIZE") == 3
    conn.call("SELECT", "1")
    assert conn.call("DBSIZE") == 0
    conn.call("SET", "x", "1")
    assert conn.call("DBSIZE") == 1


@pytest.mark.parametrize("mode", [(), ("ASYNC",), ("SYNC",)])
def test_flushdb_empties_only_the_selected_db(conn, mode):
    conn.call("SET", "a", "1")
    conn.call("SELECT", "1")
    conn.call("SET", "b", "1")
    assert conn.call("FLUSHDB", *mode) == "OK"
    assert conn.call("DBSIZE") == 0
    conn.call("SELECT", "0")
    assert conn.call("GET", "a") == b"1"


@pytest.mark.parametrize("mode", [(), ("ASYNC",), ("SYNC",)])
def test_flushall_empties_every_db(conn, mode):
    conn.call("SET", "a", "1")
    conn.call("SELECT", "5")
    conn.call("SET", "b", "1")
    assert conn.call("FLUSHALL", *mode) == "OK"
    assert conn.call("DBSIZE") == 0
    conn.call("SELECT", "0")
    assert conn.call("DBSIZE") == 0


def test_flush_syntax_errors(conn):
    assert conn.call("FLUSHALL", "BAD") == "ERR syntax error"
    assert conn.call("FLUSHDB", "BAD") == "ERR syntax error"


def test_time(conn):
    seconds, micros = conn.call("TIME")
    assert abs(int(seconds) - time.time()) < 5
    assert 0 <= int(micros) < 1_000_000


# --- SHUTDOWN -------------------------------------------------------------------------------------------------

def test_shutdown_nosave_exits_zero(server_factory):
    server = server_factory()
    with RawConnection(server.port) as connection:
        connection.send("SHUTDOWN", "NOSAVE")
        assert connection.is_closed_by_peer(wait=5.0)
    assert server.wait_exit(10.0) == 0


# --- COMMAND --------------------------------------------------------------------------------------------------

def test_command_count_matches_command(conn):
    count = conn.call("COMMAND", "COUNT")
    table = conn.call("COMMAND")
    assert count == len(table)
    assert {b"get", b"set", b"command"} <= {entry[0] for entry in table}


def test_command_info_get_and_set(conn):
    get, set_, missing = conn.call("COMMAND", "INFO", "get", "set", "nosuch")
    assert get[:7] == [b"get", 2, ["readonly", "fast"], 1, 1, 1, ["@read", "@string", "@fast"]]
    assert get[7] == []  # tips
    assert get[8] == [[b"flags", ["RO", "access"],
                       b"begin_search", [b"type", b"index", b"spec", [b"index", 1]],
                       b"find_keys", [b"type", b"range", b"spec", [b"lastkey", 0, b"keystep", 1, b"limit", 0]]]]
    assert get[9] == []  # subcommands
    assert set_[:7] == [b"set", -3, ["write", "denyoom"], 1, 1, 1, ["@write", "@string", "@slow"]]
    assert len(set_) == 10
    assert missing is None


def test_command_info_mset_key_step(conn):
    (mset,) = conn.call("COMMAND", "INFO", "mset")
    assert mset[:7] == [b"mset", -3, ["write", "denyoom"], 1, -1, 2, ["@write", "@string", "@slow"]]


def test_command_docs_get(conn):
    reply = conn.call("COMMAND", "DOCS", "get")
    assert len(reply) == 2 and reply[0] == b"get"
    doc = dict(zip(reply[1][0::2], reply[1][1::2]))
    assert doc[b"summary"] == b"Get the value of a key"
    assert doc[b"since"] == b"1.0.0"
    assert doc[b"group"] == b"string"
    assert doc[b"complexity"] == b"O(1)"
    assert doc[b"arguments"] == [[b"name", b"key", b"type", b"key", b"key_spec_index", 0]]
    assert conn.call("COMMAND", "DOCS", "nosuch") == []


def test_command_getkeys(conn):
    assert conn.call("COMMAND", "GETKEYS", "set", "k", "v") == [b"k"]
    assert conn.call("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2") == [b"a", b"b"]
    assert conn.call("COMMAND", "GETKEYS", "nosuch", "x") == "ERR Invalid command specified"
    assert conn.call("COMMAND", "GETKEYS", "ping", "x") == "ERR The command has no key arguments"
    assert conn.call("COMMAND", "GETKEYS", "get") == "ERR wrong number of arguments for 'command|getkeys' command"


def test_command_list(conn):
    names = conn.call("COMMAND", "LIST")
    assert {b"get", b"set", b"config", b"config|get", b"client|list"} <= set(names)
    assert len(names) == len(set(names))
    assert sorted(conn.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "flush*")) == [b"flushall", b"flushdb"]
    assert sorted(conn.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "config*")) == [
        b"config", b"config|get", b"config|help", b"config|resetstat", b"config|rewrite", b"config|set"]
    assert conn.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "nomatch*") == []


# --- MONITOR --------------------------------------------------------------------------------------------------

def test_monitor_streams_other_clients_commands(port, conn):
    with RawConnection(port) as monitor:
        assert monitor.call("MONITOR") == "OK"
        client_port = conn.sock.getsockname()[1]
        conn.call("SET", "k", 'a b"c\n')
        conn.call("SELECT", "3")
        conn.call("GET", "k")
        conn.call("AUTH", "default", "secret")
        lines = []
        deadline = time.monotonic() + 5
        while len(lines) < 4 and time.monotonic() < deadline:
            lines.append(monitor.read_reply())
    prefix = rf"\d+\.\d{{6}} \[(\d+) 127\.0\.0\.1:{client_port}\] "
    assert re.fullmatch(prefix + r'"SET" "k" "a b\\"c\\n"', lines[0]), lines[0]
    assert re.fullmatch(prefix + r'"SELECT" "3"', lines[1]), lines[1]
    assert re.fullmatch(prefix + r'"GET" "k"', lines[2]), lines[2]
    assert re.match(prefix, lines[2]).group(1) == "3"
    # Passwords never reach the monitor stream.
    assert re.fullmatch(prefix + r'"AUTH" "\(redacted\)" "\(redacted\)"', lines[3]), lines[3]
    assert abs(float(lines[0].split(" ")[0]) - time.time()) < 5


# --- SLOWLOG --------------------------------------------------------------------------------------------------

@pytest.fixture
def slowlog_everything(r):
    r.config_set("slowlog-log-slower-than", "0")
    r.slowlog_reset()
    yield r
    r.config_set("slowlog-log-slower-than", "10000")


def test_slowlog_get_len_reset(slowlog_everything, conn):
    conn.call("CLIENT", "SETNAME", "slowpoke")
    conn.call("SET", "a", "1")
    assert conn.call("SLOWLOG", "LEN") >= 2
    entries = conn.call("SLOWLOG", "GET", "2")
    assert len(entries) == 2
    newest, older = entries
    assert newest[3] == [b"SLOWLOG", b"LEN"]
    entry_id, timestamp, duration, args, addr, name = older
    assert args == [b"SET", b"a", b"1"]
    assert newest[0] == entry_id + 1
    assert abs(timestamp - time.time()) < 5
    assert duration >= 0
    assert addr == b"127.0.0.1:%d" % conn.sock.getsockname()[1]
    assert name == b"slowpoke"

    assert conn.call("SLOWLOG", "RESET") == "OK"
    # The RESET itself is logged after it ran, so it is the only entry left.
    assert conn.call("SLOWLOG", "LEN") == 1
    assert len(conn.call("SLOWLOG", "GET", "-1")) == 2  # RESET and LEN


def test_slowlog_truncates_long_arguments(slowlog_everything, conn):
    conn.call("DEL", "l", *[str(i) for i in range(40)])
    conn.call("SET", "big", "x" * 200)
    big, many = conn.call("SLOWLOG", "GET", "3")[:2]
    assert big[3] == [b"SET", b"big", b"x" * 128 + b"... (72 more bytes)"]
    assert len(many[3]) == 32
    assert many[3][:3] == [b"DEL", b"l", b"0"]
    assert many[3][-1] == b"... (11 more arguments)"


# --- DEBUG ----------------------------------------------------------------------------------------------------

def test_debug_sleep_zero(conn):
    assert conn.call("DEBUG", "SLEEP", "0") == "OK"
    start = time.monotonic()
    assert conn.call("DEBUG", "SLEEP", "0.2") == "OK"
    assert time.monotonic() - start >= 0.19


def test_debug_object(conn):
    conn.call("SET", "int", "12345")
    conn.call("SET", "short", "hello world")
    conn.call("SET", "long", "x" * 100)
    fields = r"Value at:0x[0-9a-f]+ refcount:\d+ encoding:{} serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+"
    assert re.fullmatch(fields.format("int"), conn.call("DEBUG", "OBJECT", "int"))
    assert re.fullmatch(fields.format("embstr"), conn.call("DEBUG", "OBJECT", "short"))
    assert re.fullmatch(fields.format("raw"), conn.call("DEBUG", "OBJECT", "long"))
    assert conn.call("DEBUG", "OBJECT", "missing") == "ERR no such key"


def test_debug_set_active_expire(conn):
    try:
        assert conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
        conn.call("SET", "k", "v", "PX", "100")
        time.sleep(0.4)
        # Without the active cycle the expired key is still counted until something touches it.
        assert conn.call("DBSIZE") == 1
        assert conn.call("GET", "k") is None
        assert conn.call("DBSIZE") == 0

        assert conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1") == "OK"
        conn.call("SET", "k2", "v", "PX", "100")
        deadline = time.monotonic() + 3
        while conn.call("DBSIZE") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert conn.call("DBSIZE") == 0
    finally:
        conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_debug_refused_when_disabled(server_factory):
    server = server_factory()  # started without --enable-debug-command
    with RawConnection(server.port) as connection:
        assert connection.call("DEBUG", "SLEEP", "0") == DEBUG_REFUSED
        assert connection.call("CONFIG", "SET", "enable-debug-command", "yes") == (
            "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable "
            "config")
