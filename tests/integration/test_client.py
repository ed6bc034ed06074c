"""The CLIENT command family: ID, SETNAME/GETNAME, LIST, INFO, KILL, PAUSE/UNPAUSE, REPLY and NO-EVICT."""
import time

import pytest

from support.raw_resp import RawConnection

BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters."

# The fields every CLIENT LIST / CLIENT INFO line carries, in this order. Redis 7.0.15 also prints rbs and rbp
# (reply buffer size and peak) between multi-mem and obl, so the check looks for an ordered subsequence.
CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi",
                 "qbuf", "qbuf-free", "argv-mem", "multi-mem", "obl", "oll", "omem", "tot-mem", "events", "cmd",
                 "user", "redir", "resp"]


@pytest.fixture
def port(r, shared_server):
    return shared_server.port


@pytest.fixture
def server(server_factory):
    """A dedicated server, for tests that kill or pause clients."""
    return server_factory()


def parse_client_line(line: bytes) -> dict:
    return dict(field.split("=", 1) for field in line.decode().split(" "))


def parse_client_list(reply: bytes) -> list:
    assert reply == b"" or reply.endswith(b"\n")
    return [parse_client_line(line) for line in reply.split(b"\n") if line]


def field_names(line: bytes) -> list:
    return [field.split("=", 1)[0] for field in line.decode().rstrip("\n").split(" ")]


def is_ordered_subsequence(wanted, names):
    it = iter(names)
    return all(name in it for name in wanted)


def local_address(conn) -> str:
    host, port = conn.sock.getsockname()[:2]
    return f"{host}:{port}"


# --- ID, SETNAME, GETNAME -------------------------------------------------------------------------------------

def test_client_id_is_unique_and_increasing(port):
    with RawConnection(port) as a, RawConnection(port) as b:
        first, second = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
        assert isinstance(first, int) and second > first
        assert a.call("CLIENT", "ID") == first


def test_setname_and_getname(port):
    with RawConnection(port) as conn:
        assert conn.call("CLIENT", "GETNAME") is None
        assert conn.call("CLIENT", "SETNAME", "worker-1") == "OK"
        assert conn.call("CLIENT", "GETNAME") == b"worker-1"
        assert parse_client_line(conn.call("CLIENT", "INFO"))["name"] == "worker-1"
        # An empty name clears it.
        assert conn.call("CLIENT", "SETNAME", "") == "OK"
        assert conn.call("CLIENT", "GETNAME") is None


@pytest.mark.parametrize("name", ["has space", "new\nline", "tab\t", "bell\x07"])
def test_setname_rejects_invalid_names(port, name):
    with RawConnection(port) as conn:
        conn.call("CLIENT", "SETNAME", "before")
        assert conn.call("CLIENT", "SETNAME", name) == BAD_NAME
        assert conn.call("CLIENT", "GETNAME") == b"before"


# --- LIST and INFO --------------------------------------------------------------------------------------------

def test_client_list_fields(port):
    with RawConnection(port) as conn:
        conn.call("CLIENT", "SETNAME", "lister")
        conn.call("SELECT", "3")
        my_id = conn.call("CLIENT", "ID")
        reply = conn.call("CLIENT", "LIST")
        lines = [line for line in reply.split(b"\n") if line]
        mine = [line for line in lines if parse_client_line(line)["id"] == str(my_id)]
        assert len(mine) == 1
        assert is_ordered_subsequence(CLIENT_FIELDS, field_names(mine[0])), field_names(mine[0])
        fields = parse_client_line(mine[0])
        assert fields["addr"] == local_address(conn)
        assert fields["laddr"] == f"127.0.0.1:{port}"
        assert fields["name"] == "lister"
        assert fields["db"] == "3"
        assert fields["flags"] == "N"
        assert fields["sub"] == fields["psub"] == fields["ssub"] == "0"
        assert fields["multi"] == "-1"
        assert fields["cmd"] == "client|list"
        assert fields["user"] == "default"
        assert fields["resp"] == "2"
        assert int(fields["age"]) >= 0 and int(fields["idle"]) >= 0 and int(fields["tot-mem"]) > 0


def test_client_info_is_own_line(port):
    with RawConnection(port) as conn:
        my_id = conn.call("CLIENT", "ID")
        reply = conn.call("CLIENT", "INFO")
        assert reply.endswith(b"\n") and reply.count(b"\n") == 1
        assert is_ordered_subsequence(CLIENT_FIELDS, field_names(reply))
        fields = parse_client_line(reply)
        assert fields["id"] == str(my_id)
        assert fields["cmd"] == "client|info"
        assert fields["addr"] == local_address(conn)


def test_client_list_by_id_and_type(port):
    with RawConnection(port) as a, RawConnection(port) as b, RawConnection(port) as subscriber:
        ids = [a.call("CLIENT", "ID"), b.call("CLIENT", "ID")]
        reply = a.call("CLIENT", "LIST", "ID", ids[1], ids[0], 999999999)
        assert sorted(int(c["id"]) for c in parse_client_list(reply)) == sorted(ids)
        assert a.call("CLIENT", "LIST", "ID", "1", "abc") == "ERR Invalid client ID"

        subscriber.call("SUBSCRIBE", "news")
        normal = {int(c["id"]) for c in parse_client_list(a.call("CLIENT", "LIST", "TYPE", "normal"))}
        pubsub = parse_client_list(a.call("CLIENT", "LIST", "TYPE", "pubsub"))
        assert set(ids) <= normal
        assert len(pubsub) == 1 and pubsub[0]["sub"] == "1" and pubsub[0]["flags"] == "P"
        assert int(pubsub[0]["id"]) not in normal
        assert a.call("CLIENT", "LIST", "TYPE", "bogus") == "ERR Unknown client type 'bogus'"


# --- KILL -----------------------------------------------------------------------------------------------------

def test_kill_old_form_by_addr(server):
    with RawConnection(server.port) as killer, RawConnection(server.port) as victim:
        assert killer.call("CLIENT", "KILL", local_address(victim)) == "OK"
        assert victim.is_closed_by_peer()
        assert killer.call("CLIENT", "KILL", "127.0.0.1:1") == "ERR No such client"
        assert killer.call("PING") == "PONG"


def test_kill_by_id_and_addr(server):
    with RawConnection(server.port) as killer, RawConnection(server.port) as v1, \
            RawConnection(server.port) as v2:
        assert killer.call("CLIENT", "KILL", "ID", v1.call("CLIENT", "ID")) == 1
        assert v1.is_closed_by_peer()
        assert killer.call("CLIENT", "KILL", "ID", 999999) == 0
        assert killer.call("CLIENT", "KILL", "ID", "abc") == "ERR client-id should be greater than 0"
        assert killer.call("CLIENT", "KILL", "ADDR", local_address(v2)) == 1
        assert v2.is_closed_by_peer()
        assert killer.call("CLIENT", "KILL", "ADDR", "127.0.0.1:1") == 0
        assert killer.call("CLIENT", "KILL", "BOGUS", "x") == "ERR syntax error"


def test_kill_by_laddr_and_skipme(server):
    laddr = f"127.0.0.1:{server.port}"
    with RawConnection(server.port) as killer, RawConnection(server.port) as victim:
        # SKIPME defaults to yes: everyone on that local address but the caller.
        assert killer.call("CLIENT", "KILL", "LADDR", laddr) == 1
        assert victim.is_closed_by_peer()
        assert killer.call("CLIENT", "KILL", "LADDR", "127.0.0.1:1") == 0
        assert killer.call("PING") == "PONG"
        # SKIPME no includes the caller, which still gets its reply before the connection closes.
        assert killer.call("CLIENT", "KILL", "LADDR", laddr, "SKIPME", "no") == 1
        assert killer.is_closed_by_peer()


def test_kill_by_user(server):
    with RawConnection(server.port) as admin, RawConnection(server.port) as alice, \
            RawConnection(server.port) as bystander:
        admin.call("ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*")
        assert alice.call("AUTH", "alice", "pw") == "OK"
        assert admin.call("CLIENT", "KILL", "USER", "alice") == 1
        assert alice.is_closed_by_peer()
        assert bystander.call("PING") == "PONG"
        assert admin.call("CLIENT", "KILL", "USER", "nobody") == "ERR No such user 'nobody'"


def test_kill_by_type(server):
    with RawConnection(server.port) as killer, RawConnection(server.port) as subscriber, \
            RawConnection(server.port) as normal:
        subscriber.call("SUBSCRIBE", "news")
        assert killer.call("CLIENT", "KILL", "TYPE", "pubsub") == 1
        assert subscriber.is_closed_by_peer()
        assert normal.call("PING") == "PONG"
        assert killer.call("CLIENT", "KILL", "TYPE", "bogus") == "ERR Unknown client type 'bogus'"
        assert killer.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "maybe") == "ERR syntax error"
        assert killer.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes") == 1
        assert normal.is_closed_by_peer()
        assert killer.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no") == 1
        assert killer.is_closed_by_peer()


# --- PAUSE and UNPAUSE ----------------------------------------------------------------------------------------

def test_pause_write_blocks_writes_until_unpause(server):
    with RawConnection(server.port) as admin, RawConnection(server.port) as writer, \
            RawConnection(server.port) as reader:
        admin.call("SET", "k", "before")
        assert admin.call("CLIENT", "PAUSE", "5000", "WRITE") == "OK"
        start = time.monotonic()
        writer.send("SET", "k", "after")
        assert reader.call("GET", "k") == b"before"  # reads pass under WRITE
        assert writer.read_available(0.3) == b""  # the write is held
        assert admin.call("CLIENT", "UNPAUSE") == "OK"
        assert writer.read_reply() == "OK"
        assert time.monotonic() - start < 3  # released by UNPAUSE, not by the 5 s timeout
        assert reader.call("GET", "k") == b"after"


def test_pause_all_blocks_reads_until_timeout(server):
    with RawConnection(server.port) as admin, RawConnection(server.port) as reader:
        admin.call("SET", "k", "v")
        start = time.monotonic()
        assert admin.call("CLIENT", "PAUSE", "300", "ALL") == "OK"
        assert reader.call("GET", "k") == b"v"
        elapsed = time.monotonic() - start
        assert 0.25 <= elapsed < 3, elapsed


def test_pause_errors(port):
    with RawConnection(port) as conn:
        assert conn.call("CLIENT", "PAUSE", "abc") == "ERR timeout is not an integer or out of range"
        assert conn.call("CLIENT", "PAUSE", "-1") == "ERR timeout is negative"
        assert conn.call("CLIENT", "PAUSE", "100", "BOGUS") == "ERR CLIENT PAUSE mode must be WRITE or ALL"
        assert conn.call("CLIENT", "UNPAUSE") == "OK"  # harmless when nothing is paused


# --- REPLY ----------------------------------------------------------------------------------------------------

def test_reply_off_and_on(port):
    with RawConnection(port) as conn:
        conn.send("CLIENT", "REPLY", "OFF")
        conn.send("SET", "k", "v")
        conn.send("NOSUCHCOMMAND")  # errors are suppressed too
        assert conn.read_available(0.2) == b""
        conn.send("CLIENT", "REPLY", "ON")
        assert conn.read_available(1.0) == b"+OK\r\n"
        assert conn.call("GET", "k") == b"v"


def test_reply_skip_suppresses_only_the_next_reply(port):
    with RawConnection(port) as conn:
        conn.send("CLIENT", "REPLY", "SKIP")
        conn.send("SET", "k", "v")
        conn.send("GET", "k")
        assert conn.read_reply() == b"v"
        assert conn.read_available(0.2) == b""
        assert conn.call("CLIENT", "REPLY", "MAYBE") == "ERR syntax error"


# --- NO-EVICT -------------------------------------------------------------------------------------------------

def test_no_evict_flag(port):
    with RawConnection(port) as conn:
        assert conn.call("CLIENT", "NO-EVICT", "on") == "OK"
        assert "e" in parse_client_line(conn.call("CLIENT", "INFO"))["flags"]
        assert conn.call("CLIENT", "NO-EVICT", "off") == "OK"
        assert "e" not in parse_client_line(conn.call("CLIENT", "INFO"))["flags"]
        assert conn.call("CLIENT", "NO-EVICT", "maybe") == "ERR syntax error"
