"""Pub/sub: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE delivery (RESP2 arrays, RESP3 pushes), PUBSUB introspection, the RESP2
subscribed mode, keyspace notifications end to end, and the pubsub client-output-buffer-limit."""
import socket
import time

import pytest
import redis

from conftest import is_real_redis
from support.resp_socket import RawConnection, RespError
from support.waits import wait_until

SUBSCRIBED_ONLY = "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"


def next_message(pubsub, timeout=5.0):
    """The next message redis-py's PubSub receives (confirmations included), or None after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            return message
    return None


# --- SUBSCRIBE / PUBLISH with redis-py (RESP2) ----------------------------------------------------------------

def test_redis_py_subscribe_and_publish(r):
    p = r.pubsub()
    p.subscribe("news")
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
    assert r.publish("news", "hello") == 1
    assert next_message(p) == {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}
    assert r.publish("other", "x") == 0
    p.unsubscribe("news")
    assert next_message(p) == {"type": "unsubscribe", "pattern": None, "channel": b"news", "data": 0}
    assert r.publish("news", "lost") == 0
    p.close()


def test_redis_py_pattern_and_channel_both_match(r):
    p = r.pubsub()
    p.psubscribe("news.*")
    p.subscribe("news.sport")
    assert next_message(p)["data"] == 1
    assert next_message(p)["data"] == 2
    assert r.publish("news.sport", "goal") == 2
    got = [next_message(p), next_message(p)]
    assert {m["type"] for m in got} == {"message", "pmessage"}
    pmessage = next(m for m in got if m["type"] == "pmessage")
    assert pmessage == {"type": "pmessage", "pattern": b"news.*", "channel": b"news.sport", "data": b"goal"}
    assert r.publish("news.art", "paint") == 1
    assert next_message(p)["channel"] == b"news.art"
    assert r.publish("weather", "rain") == 0
    p.close()


def test_binary_channel_and_payload(r):
    p = r.pubsub()
    p.subscribe(b"ch\x00\xff")
    next_message(p)
    assert r.publish(b"ch\x00\xff", b"\r\n\x00payload") == 1
    assert next_message(p)["data"] == b"\r\n\x00payload"
    p.close()


# --- Confirmations and counts (raw RESP2) ----------------------------------------------------------------------

def test_subscription_counts_and_unsubscribe_all(shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("SUBSCRIBE", "a", "b", "a")
        assert [c.read_reply() for _ in range(3)] == [[b"subscribe", b"a", 1], [b"subscribe", b"b", 2],
                                                     [b"subscribe", b"a", 2]]
        c.send_command("PSUBSCRIBE", "p*")
        assert c.read_reply() == [b"psubscribe", b"p*", 3]
        c.send_command("UNSUBSCRIBE")
        got = [c.read_reply() for _ in range(2)]
        assert sorted(m[1] for m in got) == [b"a", b"b"]
        assert [m[0] for m in got] == [b"unsubscribe"] * 2 and [m[2] for m in got] == [2, 1]
        c.send_command("UNSUBSCRIBE", "never")
        assert c.read_reply() == [b"unsubscribe", b"never", 1]
        c.send_command("UNSUBSCRIBE")
        assert c.read_reply() == [b"unsubscribe", None, 1]
        c.send_command("PUNSUBSCRIBE")
        assert c.read_reply() == [b"punsubscribe", b"p*", 0]
        c.send_command("PUNSUBSCRIBE")
        assert c.read_reply() == [b"punsubscribe", None, 0]
        # Out of subscribed mode: ordinary commands work again.
        assert c.call("PING") == b"PONG"


def test_wire_format_of_messages(shared_server):
    with RawConnection(shared_server.port) as sub, RawConnection(shared_server.port) as pub:
        sub.send_command("SUBSCRIBE", "ch")
        assert sub.read_frame() == b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
        sub.send_command("PSUBSCRIBE", "c?")
        assert sub.read_frame() == b"*3\r\n$10\r\npsubscribe\r\n$2\r\nc?\r\n:2\r\n"
        assert pub.call("PUBLISH", "ch", "hi") == 2
        frames = {sub.read_frame(), sub.read_frame()}
        assert frames == {b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
                          b"*4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$2\r\nhi\r\n"}


# --- PUBSUB introspection --------------------------------------------------------------------------------------

def test_pubsub_introspection(shared_server):
    with RawConnection(shared_server.port) as s1, RawConnection(shared_server.port) as s2, \
            RawConnection(shared_server.port) as q:
        s1.send_command("SUBSCRIBE", "intro.a", "intro.b")
        s1.read_reply(), s1.read_reply()
        s2.send_command("SUBSCRIBE", "intro.a")
        s2.read_reply()
        s2.send_command("PSUBSCRIBE", "intro.*", "x*")
        s2.read_reply(), s2.read_reply()
        s1.send_command("PSUBSCRIBE", "intro.*")
        s1.read_reply()
        assert sorted(q.call("PUBSUB", "CHANNELS")) == [b"intro.a", b"intro.b"]
        assert q.call("PUBSUB", "CHANNELS", "*.b") == [b"intro.b"]
        assert q.call("PUBSUB", "CHANNELS", "nomatch*") == []
        assert q.call("PUBSUB", "NUMSUB", "intro.a", "intro.b", "none") == [b"intro.a", 2, b"intro.b", 1, b"none", 0]
        assert q.call("PUBSUB", "NUMSUB") == []
        assert q.call("PUBSUB", "NUMPAT") == 2  # distinct patterns, not subscriptions
        help_lines = q.call("PUBSUB", "HELP")
        assert help_lines[0].startswith(b"PUBSUB <subcommand>") and b"NUMPAT" in help_lines
        assert str(q.call("PUBSUB", "NUMPAT", "x")) == "ERR wrong number of arguments for 'pubsub|numpat' command"
        assert str(q.call("PUBSUB", "BOGUS")).startswith("ERR unknown subcommand 'BOGUS'. Try PUBSUB HELP.")
        assert str(q.call("PUBLISH", "x")) == "ERR wrong number of arguments for 'publish' command"
    # Disconnected subscribers are gone from the introspection.
    with RawConnection(shared_server.port) as q:
        wait_until(lambda: q.call("PUBSUB", "NUMPAT") == 0, "PUBSUB NUMPAT == 0", 5,
                   state=lambda: q.call("PUBSUB", "NUMPAT"))
        assert q.call("PUBSUB", "NUMSUB", "intro.a") == [b"intro.a", 0]


def test_client_list_and_info_show_subscriptions(shared_server):
    with RawConnection(shared_server.port) as sub, RawConnection(shared_server.port) as q:
        sub.send_command("SUBSCRIBE", "cl.a", "cl.b")
        sub.read_reply(), sub.read_reply()
        sub.send_command("PSUBSCRIBE", "cl.*")
        sub.read_reply()
        sub_id = None
        lines = q.call("CLIENT", "LIST", "TYPE", "pubsub").decode().splitlines()
        assert len(lines) == 1
        fields = dict(kv.split("=", 1) for kv in lines[0].split(" "))
        sub_id = fields["id"]
        assert (fields["sub"], fields["psub"], fields["ssub"], fields["flags"]) == ("2", "1", "0", "P")
        stats = dict(line.split(":", 1) for line in q.call("INFO", "stats").decode().splitlines()
                     if ":" in line)
        assert stats["pubsub_channels"] == "2" and stats["pubsub_patterns"] == "1"
        assert q.call("CLIENT", "KILL", "ID", sub_id) == 1


# --- RESP2 subscribed mode --------------------------------------------------------------------------------------

def test_resp2_subscribed_mode_restrictions(shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("SUBSCRIBE", "ch")
        c.read_reply()
        assert str(c.call("GET", "k")) == f"ERR Can't execute 'get': {SUBSCRIBED_ONLY}"
        assert str(c.call("PUBSUB", "NUMPAT")) == f"ERR Can't execute 'pubsub|numpat': {SUBSCRIBED_ONLY}"
        assert str(c.call("PUBLISH", "ch", "x")) == f"ERR Can't execute 'publish': {SUBSCRIBED_ONLY}"
        assert c.call("PING") == [b"pong", b""]
        assert c.call("PING", "hey") == [b"pong", b"hey"]
        c.send_command("PSUBSCRIBE", "p")
        assert c.read_reply() == [b"psubscribe", b"p", 2]
        c.send_command("UNSUBSCRIBE", "ch")
        assert c.read_reply() == [b"unsubscribe", b"ch", 1]
        assert str(c.call("ECHO", "x")).startswith("ERR Can't execute 'echo'")
        c.send_command("PUNSUBSCRIBE", "p")
        assert c.read_reply() == [b"punsubscribe", b"p", 0]
        assert c.call("ECHO", "x") == b"x"


def test_reset_drops_subscriptions(shared_server):
    with RawConnection(shared_server.port) as c, RawConnection(shared_server.port) as pub:
        c.send_command("SUBSCRIBE", "reset.ch")
        c.read_reply()
        c.send_command("PSUBSCRIBE", "reset.*")
        c.read_reply()
        assert c.call("RESET") == b"RESET"
        assert pub.call("PUBSUB", "NUMSUB", "reset.ch") == [b"reset.ch", 0]
        assert pub.call("PUBLISH", "reset.ch", "x") == 0
        assert c.call("GET", "nothing") is None
        assert c.call("PING") == b"PONG"


def test_quit_while_subscribed(shared_server):
    with RawConnection(shared_server.port) as c:
        c.send_command("SUBSCRIBE", "q")
        c.read_reply()
        assert c.call("QUIT") == b"OK"
        assert c.read_until_closed() == b""


# --- RESP3 ------------------------------------------------------------------------------------------------------

def test_resp3_pushes_while_running_commands(shared_server):
    with RawConnection(shared_server.port) as c, RawConnection(shared_server.port) as pub:
        c.call("HELLO", "3")
        c.send_command("SUBSCRIBE", "r3")
        assert c.read_frame() == b">3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n"
        # RESP3 clients may run any command while subscribed; PING keeps its normal reply.
        assert c.call("SET", "r3key", "v") == b"OK"
        assert c.call("PING") == b"PONG"
        assert pub.call("PUBLISH", "r3", "pushed") == 1
        assert c.read_frame() == b">3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$6\r\npushed\r\n"
        # A push arriving between a command and its reply: both come, the push first.
        assert pub.call("PUBLISH", "r3", "between") == 1
        c.send_command("GET", "r3key")
        assert c.read_frame().startswith(b">3\r\n$7\r\nmessage")
        assert c.read_reply() == b"v"
        c.send_command("PSUBSCRIBE", "r*")
        assert c.read_frame() == b">3\r\n$10\r\npsubscribe\r\n$2\r\nr*\r\n:2\r\n"
        assert pub.call("PUBLISH", "r3", "both") == 2
        frames = {c.read_frame(), c.read_frame()}
        assert b">4\r\n$8\r\npmessage\r\n$2\r\nr*\r\n$2\r\nr3\r\n$4\r\nboth\r\n" in frames
        c.send_command("UNSUBSCRIBE")
        assert c.read_frame() == b">3\r\n$11\r\nunsubscribe\r\n$2\r\nr3\r\n:1\r\n"
        c.send_command("PUNSUBSCRIBE")
        assert c.read_frame() == b">3\r\n$12\r\npunsubscribe\r\n$2\r\nr*\r\n:0\r\n"
        c.send_command("UNSUBSCRIBE")
        assert c.read_frame() == b">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n"


# --- Shard channels (non-cluster) -----------------------------------------------------------------------------

def test_shard_channels(shared_server):
    with RawConnection(shared_server.port) as c, RawConnection(shared_server.port) as pub:
        c.send_command("SSUBSCRIBE", "s1", "s2")
        assert [c.read_reply(), c.read_reply()] == [[b"ssubscribe", b"s1", 1], [b"ssubscribe", b"s2", 2]]
        # Shard subscriptions are counted apart from channels and patterns.
        c.send_command("SUBSCRIBE", "plain")
        assert c.read_reply() == [b"subscribe", b"plain", 1]
        assert pub.call("SPUBLISH", "s1", "m") == 1
        assert c.read_reply() == [b"smessage", b"s1", b"m"]
        assert pub.call("PUBLISH", "s1", "m") == 0  # a different namespace
        assert sorted(pub.call("PUBSUB", "SHARDCHANNELS")) == [b"s1", b"s2"]
        assert pub.call("PUBSUB", "SHARDCHANNELS", "*2") == [b"s2"]
        assert pub.call("PUBSUB", "SHARDNUMSUB", "s1", "x") == [b"s1", 1, b"x", 0]
        assert b"s1" not in pub.call("PUBSUB", "CHANNELS")
        assert str(c.call("GET", "k")).startswith("ERR Can't execute 'get'")
        c.send_command("SUNSUBSCRIBE", "s1")
        assert c.read_reply() == [b"sunsubscribe", b"s1", 1]
        c.send_command("SUNSUBSCRIBE")
        assert c.read_reply() == [b"sunsubscribe", b"s2", 0]
        c.send_command("SUNSUBSCRIBE")
        assert c.read_reply() == [b"sunsubscribe", None, 0]


# --- ACL channel permissions -----------------------------------------------------------------------------------

def test_acl_channel_permissions(shared_server):
    with RawConnection(shared_server.port) as admin, RawConnection(shared_server.port) as c:
        assert admin.call("ACL", "SETUSER", "psuser", "on", ">pw", "+@all", "~*", "resetchannels",
                          "&allowed.*") == b"OK"
        assert c.call("AUTH", "psuser", "pw") == b"OK"
        denied = "NOPERM this user has no permissions to access one of the channels used as arguments"
        assert str(c.call("SUBSCRIBE", "secret")) == denied
        assert str(c.call("PUBLISH", "secret", "x")) == denied
        assert str(c.call("PSUBSCRIBE", "allowed.x*")) == denied  # patterns must equal an ACL pattern
        assert c.call("PUBLISH", "allowed.1", "x") == 0
        c.send_command("PSUBSCRIBE", "allowed.*")
        assert c.read_reply() == [b"psubscribe", b"allowed.*", 1]
        c.send_command("SUBSCRIBE", "allowed.1")
        assert c.read_reply() == [b"subscribe", b"allowed.1", 2]
        assert admin.call("ACL", "DELUSER", "psuser") == 1


# --- Keyspace notifications ------------------------------------------------------------------------------------

def test_keyspace_notifications_end_to_end(r):
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    try:
        p.psubscribe("__key*__:*")
        next_message(p)
        r.set("nk", "v")
        first = next_message(p, timeout=1.0)
        if first is None and not is_real_redis():
            pytest.skip("notifications for string/key commands land with the lead's work")
        r.expire("nk", 100)
        r.delete("nk")
        got = [first] + [next_message(p) for _ in range(5)]
        assert [(m["channel"], m["data"]) for m in got] == [
            (b"__keyspace@0__:nk", b"set"), (b"__keyevent@0__:set", b"nk"),
            (b"__keyspace@0__:nk", b"expire"), (b"__keyevent@0__:expire", b"nk"),
            (b"__keyspace@0__:nk", b"del"), (b"__keyevent@0__:del", b"nk")]
        assert all(m["type"] == "pmessage" and m["pattern"] == b"__key*__:*" for m in got)
    finally:
        p.close()
        r.config_set("notify-keyspace-events", "")


# --- client-output-buffer-limit for pubsub clients ------------------------------------------------------------

def slow_subscriber(port, channel):
    """A raw socket subscribed to channel that will not read again; a small receive buffer makes the server's
    output buffer for it grow quickly."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5.0)
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel))
    confirmation = b""
    while not confirmation.endswith(b":1\r\n"):
        confirmation += sock.recv(64)
    return sock


def is_disconnected(sock, timeout=5.0):
    """Drains sock until the server closes it (True) or timeout passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not sock.recv(1 << 20):
                return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
    return False


def count_subscribers(client, channel):
    return client.pubsub_numsub(channel)[0][1]


def test_output_buffer_hard_limit_disconnects_slow_subscriber(server_factory):
    server = server_factory()
    client = server.client()
    client.config_set("client-output-buffer-limit", "pubsub 1mb 512kb 1")
    sock = slow_subscriber(server.port, b"flood")
    payload = b"x" * (1024 * 1024)
    receivers = [client.publish("flood", payload) for _ in range(50)]  # ~50 MB
    assert receivers[0] == 1 and receivers[-1] == 0  # dropped before the flood ended
    assert count_subscribers(client, "flood") == 0
    assert is_disconnected(sock)
    sock.close()
    assert client.ping() is True
    assert client.set("still", "serving") is True
    wait_until(lambda: "closed ASAP for overcoming of output buffer limits" in server.read_log(),
               "the output-buffer-limit closing in the log", 5)


def test_output_buffer_soft_limit_needs_its_duration(server_factory):
    server = server_factory()
    client = server.client()
    client.config_set("client-output-buffer-limit", "pubsub 0 512kb 1")
    sock = slow_subscriber(server.port, b"soft")
    payload = b"y" * (1024 * 1024)
    for _ in range(16):  # more than the kernel buffers take: the output buffer stays above 512kb
        assert client.publish("soft", payload) == 1
    time.sleep(2.2)  # soft limit reached more than 1 s ago (Redis counts whole seconds)
    client.publish("soft", "tick")
    wait_until(lambda: count_subscribers(client, "soft") == 0, "no subscriber of soft", 5,
               state=lambda: count_subscribers(client, "soft"))
    assert is_disconnected(sock)
    sock.close()
    assert client.ping() is True
