"""Config file parsing, start-up errors, CONFIG GET/SET/RESETSTAT/REWRITE and command-line overrides."""
import re

import pytest
import redis

from conftest import is_real_redis

MB = 1024 * 1024


def config_value(client, name):
    return client.config_get(name)[name]


def info_field(client, section, field):
    return client.info(section)[field]


def failed_start_log(server_factory, config, args=()):
    """Starts a server that must refuse to start; returns its output after checking the exit code."""
    server = server_factory(list(args), config=config, check=False)
    server.spawn()
    code = server.wait_exit(10.0)
    assert code is not None, "server kept running despite a bad config"
    assert code != 0
    return server, server.read_log()


# --- parsing --------------------------------------------------------------------------------------------------

def test_comments_blank_lines_and_quotes(server_factory):
    server = server_factory(config=(
        "# a comment line\n"
        "\n"
        "   # an indented comment\n"
        "   maxmemory 3mb\n"
        'requirepass "two words"\n'
        "masterauth 'single quoted'\n"
        'masteruser "hex\\x41escape"\n'))
    client = server.client(password="two words")
    assert config_value(client, "maxmemory") == str(3 * MB)
    assert config_value(client, "requirepass") == "two words"
    assert config_value(client, "masterauth") == "single quoted"
    assert config_value(client, "masteruser") == "hexAescape"


def test_directive_given_twice_last_one_wins(server_factory):
    server = server_factory(config="maxmemory 1mb\nmaxmemory-policy allkeys-lru\nmaxmemory 2mb\n")
    client = server.client()
    assert config_value(client, "maxmemory") == str(2 * MB)
    assert config_value(client, "maxmemory-policy") == "allkeys-lru"


def test_include(server_factory, tmp_path):
    included = tmp_path / "included.conf"
    included.write_text("maxmemory 4mb\nmaxmemory-samples 9\n")
    server = server_factory(config=f"maxmemory 1mb\ninclude {included}\nmaxmemory-samples 3\n")
    client = server.client()
    # Directives apply in file order, the included file's in place of the include line.
    assert config_value(client, "maxmemory") == str(4 * MB)
    assert config_value(client, "maxmemory-samples") == "3"


def test_command_line_overrides_the_file(server_factory):
    server = server_factory(["--maxmemory", "3mb", "--maxmemory-policy", "volatile-ttl"],
                            config="maxmemory 1mb\nmaxmemory-policy allkeys-lru\nhz 15\n")
    client = server.client()
    assert config_value(client, "maxmemory") == str(3 * MB)
    assert config_value(client, "maxmemory-policy") == "volatile-ttl"
    assert config_value(client, "hz") == "15"


# --- start-up errors ------------------------------------------------------------------------------------------

def assert_names_line_and_directive(server, log, line_number, directive_line):
    assert re.search(rf"\bline {line_number}\b", log), log
    assert directive_line in log, log
    if is_real_redis():
        assert "*** FATAL CONFIG FILE ERROR" in log
        assert f"Reading the configuration file, at line {line_number}" in log
        assert f">>> '{directive_line}'" in log
    else:
        # Tandem deliberately names the config file too, so an operator with several includes knows where to look.
        assert str(server.config_path) in log, log


def test_unknown_directive_stops_start_up(server_factory):
    server, log = failed_start_log(server_factory, "# fine\nmaxmemory 1mb\nfoobar yes\n")
    assert_names_line_and_directive(server, log, 3, "foobar yes")
    if is_real_redis():
        assert "Bad directive or wrong number of arguments" in log


def test_malformed_memory_value_stops_start_up(server_factory):
    server, log = failed_start_log(server_factory, "maxmemory lots\n")
    assert_names_line_and_directive(server, log, 1, "maxmemory lots")
    assert "argument must be a memory value" in log


def test_bad_enum_value_stops_start_up(server_factory):
    server, log = failed_start_log(server_factory, "\n\nmaxmemory-policy nope\n")
    assert_names_line_and_directive(server, log, 3, "maxmemory-policy nope")
    assert ("argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
            "allkeys-lru, allkeys-lfu, allkeys-random, noeviction") in log


def test_unbalanced_quotes_stop_start_up(server_factory):
    server, log = failed_start_log(server_factory, 'maxmemory "1mb\n')
    assert "Unbalanced quotes in configuration line" in log
    assert re.search(r"\bline 1\b", log), log


def test_missing_include_stops_start_up(server_factory, tmp_path):
    missing = tmp_path / "does-not-exist.conf"
    _, log = failed_start_log(server_factory, f"include {missing}\n")
    assert str(missing) in log


# --- CONFIG GET -----------------------------------------------------------------------------------------------

def test_config_get_glob(r):
    assert r.config_get("maxmemory*") == {
        "maxmemory": "0",
        "maxmemory-clients": "0",
        "maxmemory-eviction-tenacity": "10",
        "maxmemory-policy": "noeviction",
        "maxmemory-samples": "5",
    }
    everything = r.config_get("*")
    assert len(everything) > 150
    assert {"port", "maxmemory", "appendonly", "requirepass", "hz", "dir", "save", "bind"} <= set(everything)
    assert r.config_get("no-such-parameter") == {}
    reply = r.execute_command("CONFIG", "GET", "hz", "maxmemory-polic?")
    assert dict(zip(reply[0::2], reply[1::2])) == {b"hz": b"10", b"maxmemory-policy": b"noeviction"}


def test_config_get_reports_live_port(r, shared_server):
    assert config_value(r, "port") == str(shared_server.port)


# --- CONFIG SET -----------------------------------------------------------------------------------------------

@pytest.fixture
def dedicated(server_factory):
    return server_factory().client()


def test_config_set_several_pairs(dedicated):
    assert dedicated.execute_command("CONFIG", "SET", "maxmemory", "7mb", "maxmemory-policy", "allkeys-lfu",
                                     "hz", "20") == b"OK"
    assert dedicated.config_get("maxmemory") == {"maxmemory": str(7 * MB)}
    assert config_value(dedicated, "maxmemory-policy") == "allkeys-lfu"
    assert config_value(dedicated, "hz") == "20"


def test_config_set_is_atomic(dedicated):
    with pytest.raises(redis.ResponseError, match=re.escape(
            "CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the "
            "following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
            "allkeys-random, noeviction")):
        dedicated.execute_command("CONFIG", "SET", "maxmemory", "10mb", "hz", "33", "maxmemory-policy", "nope")
    assert config_value(dedicated, "maxmemory") == "0"
    assert config_value(dedicated, "hz") == "10"
    assert config_value(dedicated, "maxmemory-policy") == "noeviction"


def test_config_set_errors(dedicated):
    with pytest.raises(redis.ResponseError, match=re.escape(
            "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")):
        dedicated.config_set("maxmemory", "lots")
    with pytest.raises(redis.ResponseError, match=re.escape(
            "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")):
        dedicated.config_set("daemonize", "yes")
    with pytest.raises(redis.ResponseError, match=re.escape(
            "Unknown option or number of arguments for CONFIG SET - 'nosuch'")):
        dedicated.config_set("nosuch", "1")
    with pytest.raises(redis.ResponseError, match=re.escape(
            "CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter")):
        dedicated.execute_command("CONFIG", "SET", "maxmemory", "1mb", "maxmemory", "2mb")
    with pytest.raises(redis.ResponseError, match=re.escape("wrong number of arguments for 'config|set' command")):
        dedicated.execute_command("CONFIG", "SET", "maxmemory")
    assert config_value(dedicated, "maxmemory") == "0"


# --- CONFIG RESETSTAT -----------------------------------------------------------------------------------------

def test_config_resetstat(dedicated):
    dedicated.set("k", "v")
    dedicated.get("k")
    dedicated.get("missing")
    with pytest.raises(redis.ResponseError):
        dedicated.execute_command("NOSUCHCOMMAND")
    stats = dedicated.info("stats")
    assert stats["keyspace_hits"] == 1 and stats["keyspace_misses"] == 1
    assert stats["total_commands_processed"] >= 4
    assert "cmdstat_set" in dedicated.info("commandstats")
    assert "errorstat_ERR" in dedicated.info("errorstats")

    assert dedicated.config_resetstat() is True
    stats = dedicated.info("stats")
    assert stats["keyspace_hits"] == 0
    assert stats["keyspace_misses"] == 0
    assert stats["total_error_replies"] == 0
    # Only the INFO call itself may have been counted since the reset.
    assert stats["total_commands_processed"] <= 2
    commandstats = dedicated.info("commandstats")
    assert "cmdstat_set" not in commandstats and "cmdstat_get" not in commandstats
    assert dedicated.info("errorstats") == {}
    assert dedicated.get("k") == b"v"


# --- CONFIG REWRITE -------------------------------------------------------------------------------------------

def test_config_rewrite_keeps_the_file_and_survives_restart(server_factory):
    original = ("# top comment\n"
                "maxmemory 1mb\n"
                "\n"
                "# policy below\n"
                "maxmemory-policy allkeys-lru\n"
                "hz 10\n"
                "# tail comment\n")
    server = server_factory(config=original)
    client = server.client()
    client.config_set("maxmemory", "5mb")
    client.config_set("maxmemory-samples", "7")
    assert client.config_rewrite() == b"OK"
    client.close()

    lines = server.config_path.read_text().splitlines()
    assert lines[0] == "# top comment"
    assert re.fullmatch(r"maxmemory (5mb|5242880)", lines[1]), lines[1]
    assert lines[2:7] == ["", "# policy below", "maxmemory-policy allkeys-lru", "hz 10", "# tail comment"]
    assert "maxmemory-samples 7" in lines[7:]
    assert sum(1 for line in lines if line.startswith("maxmemory ")) == 1

    server.stop()
    server.config = server.config_path.read_text()  # restart from the rewritten file as it is
    server.start()
    client = server.client()
    assert config_value(client, "maxmemory") == str(5 * MB)
    assert config_value(client, "maxmemory-samples") == "7"
    assert config_value(client, "maxmemory-policy") == "allkeys-lru"
    client.close()


def test_config_rewrite_without_config_file(r):
    with pytest.raises(redis.ResponseError, match=re.escape("The server is running without a config file")):
        r.config_rewrite()
