"""Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET, and the RESP3 wire types HELLO 3 switches on."""
import pytest
import redis

from support.resp_socket import RawConnection, RespError, decode

HELLO_KEYS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


def require_command(conn, *probe):
    """Skips the test when the server does not know probe's command yet (type families land separately)."""
    reply = conn.call(*probe)
    if isinstance(reply, RespError) and str(reply).startswith("ERR unknown command"):
        pytest.skip(f"{probe[0]} not implemented by this server")
    return reply


def hello_pairs(frame: bytes):
    """The (key, value) pairs of a HELLO reply, flat array (RESP2) or map (RESP3), in wire order."""
    value = decode(frame)
    if isinstance(value, dict):
        return list(value.items())
    return list(zip(value[0::2], value[1::2]))


# --- PING / ECHO ---------------------------------------------------------------------------------

def test_ping_without_argument_is_simple_string(raw):
    raw.send_command("PING")
    assert raw.read_frame() == b"+PONG\r\n"


def test_ping_with_argument_echoes_bulk(raw):
    raw.send_command("PING", "hello world")
    assert raw.read_frame() == b"$11\r\nhello world\r\n"


def test_ping_too_many_arguments(r):
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'ping' command$"):
        r.execute_command("PING", "a", "b")


def test_echo_returns_argument_binary_safe(r):
    payload = b"\x00\r\n\xff bytes"
    assert r.echo(payload) == payload
    assert r.echo(b"") == b""


@pytest.mark.parametrize("args", [(), ("a", "b")])
def test_echo_arity(r, args):
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'echo' command$"):
        r.execute_command("ECHO", *args)


# --- QUIT ----------------------------------------------------------------------------------------

def test_quit_replies_ok_and_closes(raw, r):
    # The SET pipelined behind QUIT must not run: the connection closes after QUIT's reply.
    raw.send(b"*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$9\r\nafterquit\r\n$1\r\n1\r\n")
    assert raw.read_until_closed(timeout=5) == b"+OK\r\n"
    assert r.exists("afterquit") == 0
    assert r.ping() is True


# --- SELECT --------------------------------------------------------------------------------------

def test_select_isolates_databases(raw, shared_server):
    assert raw.call("SET", "k", "db0") == b"OK"
    assert raw.call("SELECT", "15") == b"OK"
    assert raw.call("GET", "k") is None
    assert raw.call("SET", "k", "db15") == b"OK"
    assert raw.call("SELECT", "0") == b"OK"
    assert raw.call("GET", "k") == b"db0"
    with RawConnection(shared_server.port) as other:
        assert other.call("SELECT", "15") == b"OK"
        assert other.call("GET", "k") == b"db15"


@pytest.mark.parametrize("index", ["16", "-1", "1000000"])
def test_select_out_of_range(raw, index):
    raw.send_command("SELECT", index)
    assert raw.read_frame() == b"-ERR DB index is out of range\r\n"


@pytest.mark.parametrize("index", ["abc", "1.5", ""])
def test_select_not_an_integer(raw, index):
    raw.send_command("SELECT", index)
    assert raw.read_frame() == b"-ERR value is not an integer or out of range\r\n"


def test_select_arity(raw):
    raw.send_command("SELECT")
    assert raw.read_frame() == b"-ERR wrong number of arguments for 'select' command\r\n"


# --- HELLO ---------------------------------------------------------------------------------------

def check_hello_fields(pairs, proto, client_id):
    assert [k for k, _ in pairs] == HELLO_KEYS
    fields = dict(pairs)
    assert fields[b"server"] == b"redis"
    assert fields[b"version"].startswith(b"7.")
    assert fields[b"proto"] == proto
    assert fields[b"id"] == client_id
    assert fields[b"mode"] == b"standalone"
    assert fields[b"role"] == b"master"
    assert fields[b"modules"] == []


def test_hello_2_is_flat_array(raw):
    client_id = raw.call("CLIENT", "ID")
    raw.send_command("HELLO", "2")
    frame = raw.read_frame()
    assert frame.startswith(b"*14\r\n$6\r\nserver\r\n")
    check_hello_fields(hello_pairs(frame), 2, client_id)


def test_hello_3_is_map(raw):
    client_id = raw.call("CLIENT", "ID")
    raw.send_command("HELLO", "3")
    frame = raw.read_frame()
    assert frame.startswith(b"%7\r\n$6\r\nserver\r\n")
    assert frame.endswith(b"$7\r\nmodules\r\n*0\r\n")
    check_hello_fields(hello_pairs(frame), 3, client_id)


def test_hello_version_matches_info(raw, r):
    version = r.info("server")["redis_version"]
    raw.send_command("HELLO")
    assert dict(hello_pairs(raw.read_frame()))[b"version"] == version.encode()


def test_hello_without_version_keeps_protocol(raw):
    raw.send_command("HELLO")
    assert raw.read_frame().startswith(b"*14\r\n")
    raw.send_command("HELLO", "3")
    raw.read_frame()
    raw.send_command("HELLO")
    assert raw.read_frame().startswith(b"%7\r\n")


@pytest.mark.parametrize("version", ["4", "1", "0", "-1"])
def test_hello_unsupported_protocol(raw, version):
    raw.send_command("HELLO", version)
    assert raw.read_frame() == b"-NOPROTO unsupported protocol version\r\n"
    # The connection stays on RESP2.
    raw.send_command("GET", "missing")
    assert raw.read_frame() == b"$-1\r\n"


def test_hello_protocol_not_integer(raw):
    raw.send_command("HELLO", "abc")
    assert raw.read_frame() == b"-ERR Protocol version is not an integer or out of range\r\n"


@pytest.mark.parametrize("args,option", [(["foo"], "foo"), (["SETNAME"], "SETNAME"), (["AUTH", "a"], "AUTH")])
def test_hello_syntax_errors(raw, args, option):
    raw.send_command("HELLO", "3", *args)
    assert raw.read_frame() == f"-ERR Syntax error in HELLO option '{option}'\r\n".encode()


def test_hello_setname(raw):
    raw.send_command("HELLO", "2", "SETNAME", "first", "SETNAME", "second")
    assert raw.read_frame().startswith(b"*14\r\n")
    assert raw.call("CLIENT", "GETNAME") == b"second"


def test_hello_setname_invalid_changes_nothing(raw):
    raw.send_command("HELLO", "3", "SETNAME", "has space")
    assert raw.read_frame() == b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    assert raw.call("CLIENT", "GETNAME") is None
    raw.send_command("GET", "missing")
    assert raw.read_frame() == b"$-1\r\n"


def test_hello_auth_without_password_configured(raw):
    # The default user has no password: any password authenticates it, other users do not exist.
    raw.send_command("HELLO", "3", "AUTH", "default", "anything")
    assert raw.read_frame().startswith(b"%7\r\n")
    raw.send_command("HELLO", "2", "AUTH", "nosuchuser", "x")
    assert raw.read_frame() == f"-{WRONGPASS}\r\n".encode()


@pytest.fixture
def password_server(server_factory):
    return server_factory(args=["--requirepass", "secret"])


def test_hello_requires_auth_when_password_set(password_server):
    with RawConnection(password_server.port) as conn:
        conn.send_command("HELLO", "3")
        assert conn.read_frame() == (
            b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
            b"<user> <pass> option can be used to authenticate the client and select the RESP protocol "
            b"version at the same time\r\n")
        conn.send_command("GET", "k")
        assert conn.read_frame() == b"-NOAUTH Authentication required.\r\n"


def test_hello_auth_wrong_password(password_server):
    with RawConnection(password_server.port) as conn:
        conn.send_command("HELLO", "3", "AUTH", "default", "wrong")
        assert conn.read_frame() == f"-{WRONGPASS}\r\n".encode()
        conn.send_command("GET", "k")
        assert conn.read_frame() == b"-NOAUTH Authentication required.\r\n"


def test_hello_auth_and_setname_together(password_server):
    with RawConnection(password_server.port) as conn:
        conn.send_command("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "worker-1")
        frame = conn.read_frame()
        assert frame.startswith(b"%7\r\n")
        assert dict(hello_pairs(frame))[b"proto"] == 3
        assert conn.call("CLIENT", "GETNAME") == b"worker-1"
        conn.send_command("GET", "missing")
        assert conn.read_frame() == b"_\r\n"


def test_auth_command(password_server):
    with RawConnection(password_server.port) as conn:
        conn.send_command("AUTH", "wrong")
        assert conn.read_frame() == f"-{WRONGPASS}\r\n".encode()
        conn.send_command("AUTH", "default", "wrong")
        assert conn.read_frame() == f"-{WRONGPASS}\r\n".encode()
        assert conn.call("AUTH", "secret") == b"OK"
        assert conn.call("SET", "k", "v") == b"OK"
        assert conn.call("AUTH", "default", "secret") == b"OK"


def test_auth_without_password_configured(raw):
    raw.send_command("AUTH", "secret")
    assert raw.read_frame() == (
        b"-ERR AUTH <password> called without any password configured for the default user. "
        b"Are you sure your configuration is correct?\r\n")


# --- RESET ---------------------------------------------------------------------------------------

def test_reset_restores_connection_defaults(raw):
    raw.call("HELLO", "3")
    assert raw.call("SELECT", "3") == b"OK"
    assert raw.call("SET", "indb3", "1") == b"OK"
    assert raw.call("CLIENT", "SETNAME", "named") == b"OK"
    raw.send_command("RESET")
    assert raw.read_frame() == b"+RESET\r\n"
    # Back to RESP2, database 0, no name.
    raw.send_command("GET", "indb3")
    assert raw.read_frame() == b"$-1\r\n"
    assert raw.call("CLIENT", "GETNAME") is None
    raw.send_command("HELLO")
    assert raw.read_frame().startswith(b"*14\r\n")


def test_reset_deauthenticates(password_server):
    with RawConnection(password_server.port) as conn:
        assert conn.call("AUTH", "secret") == b"OK"
        assert conn.call("SET", "k", "v") == b"OK"
        conn.send_command("RESET")
        assert conn.read_frame() == b"+RESET\r\n"
        conn.send_command("GET", "k")
        assert conn.read_frame() == b"-NOAUTH Authentication required.\r\n"


# --- RESP3 wire types ----------------------------------------------------------------------------

def test_resp3_null_for_missing_key(resp3):
    resp3.send_command("GET", "missing")
    assert resp3.read_frame() == b"_\r\n"


def test_resp3_null_inside_array(resp3):
    resp3.call("SET", "present", "v")
    resp3.send_command("MGET", "missing", "present")
    assert resp3.read_frame() == b"*2\r\n_\r\n$1\r\nv\r\n"


def test_resp3_null_for_set_nx_not_done(resp3):
    resp3.call("SET", "k", "v")
    resp3.send_command("SET", "k", "w", "NX")
    assert resp3.read_frame() == b"_\r\n"
    resp3.send_command("SET", "fresh", "w", "NX", "GET")
    assert resp3.read_frame() == b"_\r\n"


def test_resp3_config_get_is_map(resp3):
    resp3.send_command("CONFIG", "GET", "maxclients")
    frame = resp3.read_frame()
    assert frame.startswith(b"%1\r\n$10\r\nmaxclients\r\n$")
    assert int(decode(frame)[b"maxclients"]) > 0


def test_resp3_simple_types_unchanged(resp3):
    resp3.send_command("PING")
    assert resp3.read_frame() == b"+PONG\r\n"
    resp3.send_command("INCR", "n")
    assert resp3.read_frame() == b":1\r\n"
    resp3.send_command("GET", "n")
    assert resp3.read_frame() == b"$1\r\n1\r\n"
    # INCRBYFLOAT answers a bulk string, not a RESP3 double.
    resp3.send_command("INCRBYFLOAT", "f", "1.5")
    assert resp3.read_frame() == b"$3\r\n1.5\r\n"
    resp3.send_command("GET")
    assert resp3.read_frame() == b"-ERR wrong number of arguments for 'get' command\r\n"


def test_resp3_double(resp3):
    require_command(resp3, "ZADD", "z", "1.5", "a")
    resp3.send_command("ZSCORE", "z", "a")
    assert resp3.read_frame() == b",1.5\r\n"
    resp3.send_command("ZINCRBY", "z", "1", "a")
    assert resp3.read_frame() == b",2.5\r\n"
    resp3.send_command("ZSCORE", "z", "missing")
    assert resp3.read_frame() == b"_\r\n"


def test_resp3_hash_is_map(resp3):
    require_command(resp3, "HSET", "h", "f", "v")
    resp3.send_command("HGETALL", "h")
    assert resp3.read_frame() == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    resp3.send_command("HGETALL", "missing")
    assert resp3.read_frame() == b"%0\r\n"


def test_resp2_after_hello_2(resp3):
    resp3.send_command("HELLO", "2")
    assert resp3.read_frame().startswith(b"*14\r\n")
    resp3.send_command("MGET", "missing")
    assert resp3.read_frame() == b"*1\r\n$-1\r\n"
