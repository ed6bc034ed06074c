"""AUTH, requirepass, HELLO AUTH and the ACL command family, checked byte for byte against Redis 7.0."""
import hashlib
import re

import pytest
import redis

from support.raw_resp import RawConnection

NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."
NO_PASSWORD_CONFIGURED = ("ERR AUTH <password> called without any password configured for the default user. "
                          "Are you sure your configuration is correct?")
HELLO_NOAUTH = ("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
                "version at the same time")
NOPERM_KEYS = "NOPERM this user has no permissions to access one of the keys used as arguments"


def noperm_command(name):
    return f"NOPERM this user has no permissions to run the '{name}' command"


def sha256_hex(password: bytes) -> bytes:
    return hashlib.sha256(password).hexdigest().encode()


@pytest.fixture
def acl(r):
    """The shared server's client; every user but `default` is deleted afterwards."""
    yield r
    others = [u for u in r.execute_command("ACL", "USERS") if u != b"default"]
    if others:
        r.execute_command("ACL", "DELUSER", *others)


@pytest.fixture
def port(shared_server):
    return shared_server.port


@pytest.fixture
def secured(server_factory):
    """A dedicated server whose default user needs the password 'sekret'."""
    return server_factory(["--requirepass", "sekret"])


def auth_reply(port, *args):
    """The reply to AUTH on a fresh connection."""
    with RawConnection(port) as conn:
        return conn.call("AUTH", *args)


def getuser(port, name):
    """ACL GETUSER as a dict of field name -> raw value (redis-py would reshape the reply)."""
    with RawConnection(port) as conn:
        reply = conn.call("ACL", "GETUSER", name)
    return dict(zip(reply[0::2], reply[1::2]))


def user_client(port, username, password):
    return redis.Redis(host="127.0.0.1", port=port, username=username, password=password, socket_timeout=10)


# --- requirepass and AUTH ---------------------------------------------------------------------------------------

def test_commands_before_auth_get_noauth(secured):
    with RawConnection(secured.port) as conn:
        assert conn.call("PING") == NOAUTH
        assert conn.call("GET", "k") == NOAUTH
        assert conn.call("SET", "k", "v") == NOAUTH


def test_auth_with_wrong_password_is_wrongpass(secured):
    with RawConnection(secured.port) as conn:
        assert conn.call("AUTH", "wrong") == WRONGPASS
        assert conn.call("AUTH", "default", "wrong") == WRONGPASS
        assert conn.call("PING") == NOAUTH


def test_auth_with_right_password_unlocks_the_connection(secured):
    with RawConnection(secured.port) as conn:
        assert conn.call("AUTH", "sekret") == "OK"
        assert conn.call("SET", "k", "v") == "OK"
        assert conn.call("GET", "k") == b"v"
        assert conn.call("ACL", "WHOAMI") == b"default"
    with RawConnection(secured.port) as conn:
        assert conn.call("AUTH", "default", "sekret") == "OK"
        assert conn.call("PING") == "PONG"


def test_requirepass_is_visible_in_config_and_acl_list(secured):
    client = secured.client(password="sekret")
    assert client.config_get("requirepass") == {"requirepass": "sekret"}
    assert client.execute_command("ACL", "LIST") == [
        b"user default on #" + sha256_hex(b"sekret") + b" ~* &* +@all"]


def test_auth_syntax_errors(port):
    with RawConnection(port) as conn:
        assert conn.call("AUTH") == "ERR wrong number of arguments for 'auth' command"
        assert conn.call("AUTH", "a", "b", "c") == "ERR syntax error"


def test_auth_without_configured_password_is_an_error(port):
    with RawConnection(port) as conn:
        assert conn.call("AUTH", "whatever") == NO_PASSWORD_CONFIGURED
        # The two-argument form is checked against the default user, which accepts any password (nopass).
        assert conn.call("AUTH", "default", "whatever") == "OK"


# --- HELLO AUTH -------------------------------------------------------------------------------------------------

def test_hello_before_auth_is_refused(secured):
    with RawConnection(secured.port) as conn:
        assert conn.call("HELLO", "3") == HELLO_NOAUTH
        assert conn.call("HELLO") == HELLO_NOAUTH


def test_hello_auth_authenticates_and_switches_protocol(secured):
    with RawConnection(secured.port) as conn:
        assert conn.call("HELLO", "3", "AUTH", "default", "wrong") == WRONGPASS
        reply = conn.call("HELLO", "3", "AUTH", "default", "sekret")
        assert isinstance(reply, dict)
        assert reply[b"proto"] == 3
        assert reply[b"role"] == b"master"
        assert reply[b"mode"] == b"standalone"
        assert set(reply) == {b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"}
        assert conn.call("ACL", "WHOAMI") == b"default"


def test_hello_auth_as_an_acl_user(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~*", "+@all")
    with RawConnection(port) as conn:
        reply = conn.call("HELLO", "2", "AUTH", "alice", "pw")
        assert isinstance(reply, list) and reply[reply.index(b"proto") + 1] == 2
        assert conn.call("ACL", "WHOAMI") == b"alice"
        assert conn.call("HELLO", "3", "AUTH", "alice") == "ERR Syntax error in HELLO option 'AUTH'"


# --- AUTH as ACL users ------------------------------------------------------------------------------------------

def test_auth_as_acl_user(acl, port):
    assert acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~*", "+@all") == b"OK"
    with RawConnection(port) as conn:
        assert conn.call("AUTH", "alice", "pw") == "OK"
        assert conn.call("ACL", "WHOAMI") == b"alice"
        assert conn.call("SET", "k", "v") == "OK"
    assert auth_reply(port, "alice", "nope") == WRONGPASS
    assert auth_reply(port, "nosuchuser", "pw") == WRONGPASS


def test_disabled_user_cannot_auth(acl, port):
    acl.execute_command("ACL", "SETUSER", "bob", "off", ">x", "~*", "+@all")
    assert auth_reply(port, "bob", "x") == WRONGPASS
    acl.execute_command("ACL", "SETUSER", "bob", "on")
    assert auth_reply(port, "bob", "x") == "OK"


def test_password_rules_add_remove_reset_nopass(acl, port):
    acl.execute_command("ACL", "SETUSER", "dave", "on", ">a", ">b", "~*", "+@all")
    assert getuser(port, "dave")[b"passwords"] == [sha256_hex(b"a"), sha256_hex(b"b")]
    assert [auth_reply(port, "dave", p) for p in ("a", "b")] == ["OK", "OK"]

    acl.execute_command("ACL", "SETUSER", "dave", "<a")
    assert getuser(port, "dave")[b"passwords"] == [sha256_hex(b"b")]
    assert [auth_reply(port, "dave", p) for p in ("a", "b")] == [WRONGPASS, "OK"]

    acl.execute_command("ACL", "SETUSER", "dave", "resetpass")
    assert getuser(port, "dave")[b"passwords"] == []
    assert [auth_reply(port, "dave", p) for p in ("a", "b", "")] == [WRONGPASS] * 3

    acl.execute_command("ACL", "SETUSER", "dave", "nopass")
    assert getuser(port, "dave")[b"flags"] == [b"on", b"nopass"]
    assert auth_reply(port, "dave", "anything at all") == "OK"


def test_removing_an_unknown_password_is_an_error(acl):
    acl.execute_command("ACL", "SETUSER", "dave", ">a")
    with pytest.raises(redis.ResponseError, match=re.escape(
            "Error in ACL SETUSER modifier '<zzz': The password you are trying to remove from the user does not exist")):
        acl.execute_command("ACL", "SETUSER", "dave", "<zzz")


def test_setuser_syntax_error_changes_nothing(acl, port):
    acl.execute_command("ACL", "SETUSER", "erin", "on", "nopass")
    with pytest.raises(redis.ResponseError, match=re.escape("Error in ACL SETUSER modifier 'foo': Syntax error")):
        acl.execute_command("ACL", "SETUSER", "erin", "off", "foo")
    assert getuser(port, "erin")[b"flags"] == [b"on", b"nopass"]


# --- command and key permissions --------------------------------------------------------------------------------

def test_all_commands_minus_dangerous(acl, port):
    acl.execute_command("ACL", "SETUSER", "carol", "on", ">x", "~*", "+@all", "-@dangerous")
    with RawConnection(port) as conn:
        assert conn.call("AUTH", "carol", "x") == "OK"
        assert conn.call("SET", "k", "v") == "OK"
        assert conn.call("GET", "k") == b"v"
        assert conn.call("FLUSHALL") == noperm_command("flushall")
        assert conn.call("DEBUG", "SLEEP", "0") == noperm_command("debug")
    # redis-py maps the NOPERM prefix to its own exception class.
    client = user_client(port, "carol", "x")
    with pytest.raises(redis.exceptions.NoPermissionError, match=re.escape("no permissions to run the 'flushall'")):
        client.flushall()
    client.close()
    assert acl.get("k") == b"v"


def test_single_command_grants(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~*", "+get", "-set")
    acl.set("k", "v")
    with RawConnection(port) as conn:
        assert conn.call("AUTH", "alice", "pw") == "OK"
        assert conn.call("GET", "k") == b"v"
        assert conn.call("SET", "k", "w") == noperm_command("set")
        assert conn.call("DEL", "k") == noperm_command("del")
    assert acl.get("k") == b"v"


def test_key_patterns_allkeys_and_resetkeys(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "+@all")
    with RawConnection(port) as conn:
        assert conn.call("AUTH", "alice", "pw") == "OK"
        assert conn.call("SET", "k1", "v") == "OK"
        assert conn.call("SET", "x", "v") == NOPERM_KEYS
        assert conn.call("MSET", "k2", "1", "x", "2") == NOPERM_KEYS

        acl.execute_command("ACL", "SETUSER", "alice", "allkeys")
        assert getuser(port, "alice")[b"keys"] == b"~*"
        assert conn.call("SET", "x", "v") == "OK"

        acl.execute_command("ACL", "SETUSER", "alice", "resetkeys")
        assert getuser(port, "alice")[b"keys"] == b""
        assert conn.call("GET", "k1") == NOPERM_KEYS
        # Commands without keys are still allowed.
        assert conn.call("PING") == "PONG"


def test_reset_returns_user_to_blank_state(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~*", "+@all")
    acl.execute_command("ACL", "SETUSER", "alice", "reset")
    user = getuser(port, "alice")
    assert b"off" in user[b"flags"] and b"on" not in user[b"flags"]
    assert user[b"passwords"] == []
    assert user[b"commands"] == b"-@all"
    assert user[b"keys"] == b""
    assert auth_reply(port, "alice", "pw") == WRONGPASS


# --- ACL introspection ------------------------------------------------------------------------------------------

def test_getuser_reply_shape(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "+get")
    with RawConnection(port) as conn:
        assert conn.call("ACL", "GETUSER", "alice") == [
            b"flags", [b"on"],
            b"passwords", [sha256_hex(b"pw")],
            b"commands", b"-@all +get",
            b"keys", b"~k*",
            b"channels", b"",
            b"selectors", [],
        ]
        assert conn.call("ACL", "GETUSER", "nobody") is None
        default = conn.call("ACL", "GETUSER", "default")
        assert default[0::2] == [b"flags", b"passwords", b"commands", b"keys", b"channels", b"selectors"]
        assert default[1] == [b"on", b"nopass"]
        assert default[5] == b"+@all"


def test_deluser(acl, port):
    acl.execute_command("ACL", "SETUSER", "alice", "on", "nopass", "~*", "+@all")
    acl.execute_command("ACL", "SETUSER", "bob", "on", "nopass")
    with RawConnection(port) as alice_conn:
        assert alice_conn.call("AUTH", "alice", "x") == "OK"
        assert acl.execute_command("ACL", "DELUSER", "alice", "bob", "nobody") == 2
        # Connections authenticated as a deleted user are closed.
        assert alice_conn.is_closed_by_peer()
    assert acl.execute_command("ACL", "USERS") == [b"default"]
    assert acl.execute_command("ACL", "DELUSER", "nobody") == 0
    with pytest.raises(redis.ResponseError, match=re.escape("The 'default' user cannot be removed")):
        acl.execute_command("ACL", "DELUSER", "default")


def test_list_and_users(acl):
    acl.execute_command("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "+get")
    acl.execute_command("ACL", "SETUSER", "carol", "on", "nopass", "~*", "+@all", "-@dangerous")
    acl.execute_command("ACL", "SETUSER", "bob", "off")
    assert acl.execute_command("ACL", "LIST") == [
        b"user alice on #" + sha256_hex(b"pw") + b" ~k* resetchannels -@all +get",
        b"user bob off resetchannels -@all",
        b"user carol on nopass ~* resetchannels +@all -@dangerous",
        b"user default on nopass ~* &* +@all",
    ]
    assert acl.execute_command("ACL", "USERS") == [b"alice", b"bob", b"carol", b"default"]


def test_whoami(acl, port):
    assert acl.execute_command("ACL", "WHOAMI") == b"default"
    with pytest.raises(redis.ResponseError, match=re.escape("wrong number of arguments for 'acl|whoami' command")):
        acl.execute_command("ACL", "WHOAMI", "extra")


def test_cat(acl):
    categories = acl.execute_command("ACL", "CAT")
    assert categories == [
        b"keyspace", b"read", b"write", b"set", b"sortedset", b"list", b"hash", b"string", b"bitmap",
        b"hyperloglog", b"geo", b"stream", b"pubsub", b"admin", b"fast", b"slow", b"blocking", b"dangerous",
        b"connection", b"transaction", b"scripting"]
    string_commands = acl.execute_command("ACL", "CAT", "string")
    assert {b"get", b"set", b"append", b"incr"} <= set(string_commands)
    assert b"lpush" not in string_commands
    assert {b"flushall", b"debug"} <= set(acl.execute_command("ACL", "CAT", "dangerous"))
    with pytest.raises(redis.ResponseError, match=re.escape("Unknown category 'nosuch'")):
        acl.execute_command("ACL", "CAT", "nosuch")


# --- users from the config file ---------------------------------------------------------------------------------

def test_user_directive_in_config_file(server_factory):
    server = server_factory(config=(
        "user alice on >pw ~app:* +@read +set\n"
        "user mallory off >evil ~* +@all\n"))
    with RawConnection(server.port) as conn:
        assert conn.call("AUTH", "alice", "pw") == "OK"
        assert conn.call("SET", "app:1", "v") == "OK"
        assert conn.call("SET", "other", "v") == NOPERM_KEYS
        assert conn.call("DEL", "app:1") == noperm_command("del")
        assert conn.call("AUTH", "mallory", "evil") == WRONGPASS
    users = server.client().execute_command("ACL", "USERS")
    assert users == [b"alice", b"default", b"mallory"]
