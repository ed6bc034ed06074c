"""Django's cache on a primary and two read replicas, with LOCATION = [primary, replica1, replica2]:
django-redis's DefaultClient (and Django >= 4's RedisCache) write to the first server and read from
the others. INFO commandstats on each node proves where every command went: a replica sees the
primary's writes only through replication (so its write counts equal the primary's) and never gets
a write from a client (no READONLY error in its errorstats)."""
import pytest

django = pytest.importorskip("django", reason="needs Debian's python3-django")
pytest.importorskip("django_redis", reason="needs Debian's python3-django-redis")

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from conftest import server_binary  # noqa: E402
from support.processes import ServerProcess  # noqa: E402
from support.replication import (FAST_SYNC, info, replicate, wait_online,  # noqa: E402
                                 wait_synced)

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tandem-tests",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="support.django_urls",
        INSTALLED_APPS=["django.contrib.sessions"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        USE_TZ=True,
    )
    django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from support import django_urls  # noqa: E402


class Nodes:
    """The primary and its two replicas (ServerProcess) with a redis-py client each."""

    def __init__(self, primary, replicas):
        self.primary, self.replicas = primary, replicas
        self.pc = primary.client()
        self.rcs = [r.client() for r in replicas]

    def locations(self):
        return [f"redis://127.0.0.1:{p.port}/0" for p in [self.primary] + self.replicas]

    def synced(self):
        for rc in self.rcs:
            wait_synced(self.pc, rc)

    def reset(self):
        """Empties the data and zeroes every node's command and error statistics."""
        self.pc.flushall()
        self.synced()
        for c in [self.pc] + self.rcs:
            c.config_resetstat()

    def calls(self, client):
        """{command: calls} from INFO commandstats (INFO's own calls left out)."""
        out = {}
        for name, value in info(client, "commandstats").items():
            command = name.removeprefix("cmdstat_")
            if command != "info":
                out[command] = int(dict(p.split("=") for p in value.split(","))["calls"])
        return out

    def replica_calls(self, command):
        return [self.calls(rc).get(command, 0) for rc in self.rcs]

    def assert_no_write_reached_a_replica(self):
        for rc in self.rcs:
            errors = info(rc, "errorstats")
            assert "errorstat_READONLY" not in errors, f"a client wrote to a replica: {errors}"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    base = tmp_path_factory.mktemp("django")
    started = []
    try:
        for name in ("primary", "replica1", "replica2"):
            proc = ServerProcess(server_binary(), base / name, list(FAST_SYNC), None)
            started.append(proc)
            proc.start()
        primary, replicas = started[0], started[1:]
        for rep in replicas:
            replicate(rep.client(), primary)
        wait_online(primary.client(), 2)
        yield Nodes(primary, replicas)
    finally:
        for proc in started:
            proc.stop()


def django_redis_caches(nodes):
    return {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": nodes.locations(),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }}


@pytest.fixture
def django_redis_cache(nodes):
    nodes.reset()
    with override_settings(CACHES=django_redis_caches(nodes)):
        yield nodes
        cache.close()


def test_django_redis_writes_go_to_the_primary_and_reads_to_replicas(django_redis_cache):
    nodes = django_redis_cache
    cache.set("a", 1)
    cache.set("b", {"nested": [1, 2]}, timeout=None)
    cache.set_many({"c": 3, "d": "four"})
    assert cache.incr("a", 10) == 11
    assert cache.expire("b", 100)
    assert cache.delete("d")
    nodes.synced()  # replicas lag the primary: read-your-writes needs this (or WAIT)
    assert cache.get("a") == 11
    assert cache.get("b") == {"nested": [1, 2]}
    assert cache.get("d") is None
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 11, "b": {"nested": [1, 2]}, "c": 3}
    assert 99 <= cache.ttl("b") <= 100
    assert 299 <= cache.ttl("c") <= 300

    primary = nodes.calls(nodes.pc)
    assert primary.get("set") == 4, primary
    assert primary.get("eval") == 1 and primary.get("expire") == 1 and primary.get("del") == 1
    assert "get" not in primary and "mget" not in primary and "ttl" not in primary, primary
    assert sum(nodes.replica_calls("get")) == 3
    assert sum(nodes.replica_calls("mget")) == 1
    assert sum(nodes.replica_calls("ttl")) == 2
    # Each replica applied the primary's writes (SET, the script's INCRBY, the absolute expiry).
    assert nodes.replica_calls("set") == [4, 4]
    assert nodes.replica_calls("incrby") == [1, 1]
    assert nodes.replica_calls("eval") == [0, 0]
    nodes.assert_no_write_reached_a_replica()


def test_django_redis_spreads_reads_over_the_replicas(django_redis_cache):
    nodes = django_redis_cache
    cache.set("k", "v")
    nodes.synced()
    for _ in range(60):
        assert cache.get("k") == "v"
    gets = nodes.replica_calls("get")
    assert sum(gets) == 60 and min(gets) > 0, f"GETs per replica: {gets}"
    assert "get" not in nodes.calls(nodes.pc)


def test_wait_on_the_writing_connection_gives_read_your_writes(django_redis_cache):
    """The pattern docs/django.md recommends: the write and WAIT on one connection (a pipeline),
    so WAIT counts the replicas that have this write; reads right after it see it."""
    from django_redis import get_redis_connection
    nodes = django_redis_cache
    primary = get_redis_connection("default")
    assert primary.connection_pool.connection_kwargs["port"] == nodes.primary.port
    for i in range(20):
        with primary.pipeline(transaction=False) as pipe:
            cache.set(f"profile:{i}", {"version": i}, client=pipe)
            pipe.wait(2, 1000)
            stored, acked = pipe.execute()
        assert stored and acked == 2, f"WAIT returned {acked}"
        assert cache.get(f"profile:{i}") == {"version": i}
    assert sum(nodes.replica_calls("get")) == 20
    assert nodes.calls(nodes.pc).get("wait") == 20


def test_cached_sessions_write_to_the_primary(django_redis_cache):
    nodes = django_redis_cache
    client = Client()
    assert client.get("/session/set/hello/").content == b"stored"
    assert nodes.calls(nodes.pc).get("set", 0) >= 1
    nodes.synced()
    assert client.get("/session/get/").content == b"hello"
    assert Client().get("/session/get/").content == b"<none>"  # another visitor
    assert "get" not in nodes.calls(nodes.pc)
    assert sum(nodes.replica_calls("get")) >= 1
    nodes.assert_no_write_reached_a_replica()


def test_cache_page_view_is_served_from_a_replica(django_redis_cache):
    nodes = django_redis_cache
    client = Client()
    django_urls.runs["page"] = 0
    first = client.get("/page/")
    assert first.status_code == 200 and first.content == b"rendered 1 time(s)"
    nodes.synced()
    for _ in range(3):
        assert client.get("/page/").content == b"rendered 1 time(s)"
    assert django_urls.runs["page"] == 1
    sets = nodes.calls(nodes.pc).get("set", 0)
    assert sets >= 2, "the page and its header key are stored on the primary"
    assert "get" not in nodes.calls(nodes.pc)
    assert sum(nodes.replica_calls("get")) >= 6  # header key + page, per request
    cache.clear()
    nodes.synced()
    assert client.get("/page/").content == b"rendered 2 time(s)"
    assert nodes.calls(nodes.pc).get("flushdb") == 1
    nodes.assert_no_write_reached_a_replica()


@pytest.mark.skipif(django.VERSION < (4, 0),
                    reason=f"Django {django.get_version()} has no built-in RedisCache (added in 4.0)")
def test_django_builtin_redis_cache_with_replicas(nodes):
    nodes.reset()
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": nodes.locations()}}
    with override_settings(CACHES=caches):
        cache.set("a", 1)
        cache.set_many({"b": "two", "c": [3]})
        assert cache.incr("a", 4) == 5
        cache.delete("c")
        nodes.synced()
        assert cache.get("a") == 5
        assert cache.get_many(["a", "b", "c"]) == {"a": 5, "b": "two"}
        for _ in range(20):
            assert cache.get("b") == "two"
        cache.close()
    primary = nodes.calls(nodes.pc)
    assert "get" not in primary and "mget" not in primary, primary
    assert sum(nodes.replica_calls("get")) == 21
    assert sum(nodes.replica_calls("mget")) == 1
    assert primary.get("set", 0) >= 3
    nodes.assert_no_write_reached_a_replica()
