"""The drill's clients, run inside the namespace from 127.0.0.1 (the client host), each a
bounded thread: a redis-py Sentinel writer, a django-redis multi-LOCATION cache client, and a
timestamped subscriber to every sentinel's events."""
import collections
import random
import threading
import time

import redis
import redis.sentinel

from cluster import MASTER, SENTINEL_PORT, SERVER_PORT
from netns import HOSTS

TIMEOUT = 0.5  # client socket timeouts (s): a dead or paused node costs at most this per call
WAIT_MS = 200  # safe mode: WAIT 1 200 after each write


def error_kind(err):
    """'READONLY', 'NOREPLICAS', 'TimeoutError', 'ConnectionError'...: the error code of a
    server error, else the exception class (of the cause, for django-redis's wrapper)."""
    err = err.__cause__ or err
    if isinstance(err, redis.exceptions.ReadOnlyError):  # redis-py drops the code of this one
        return "READONLY"
    if isinstance(err, redis.exceptions.ResponseError):
        return str(err).split(" ", 1)[0]
    return type(err).__name__


class Load:
    """A thread calling step(i) until stopped or `limit` s passed. `acked` holds (i, sent,
    answered) for every write the client may consider durable; `errors` counts failures by kind
    with the time of each."""

    def __init__(self, limit):
        self.limit = limit
        self.acked = []
        self.errors = collections.Counter()
        self.error_times = []
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        deadline = time.monotonic() + self.limit
        i = 0
        while not self.stop_flag.is_set() and time.monotonic() < deadline:
            i += 1
            sent = time.monotonic()
            try:
                if self.step(i):
                    self.acked.append((i, sent, time.monotonic()))
            except Exception as err:  # noqa: BLE001 (every client-visible error is counted)
                self.errors[error_kind(err)] += 1
                self.error_times.append(time.monotonic())
                time.sleep(0.01)
            time.sleep(0.002)

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=10)

    def wait_acked(self, count, limit=20.0):
        deadline = time.monotonic() + limit
        while len(self.acked) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{count} acked writes not within {limit}s: {self.errors}")
            time.sleep(0.02)


class SentinelWriter(Load):
    """SET w:<i> <i> through redis-py's Sentinel master_for (it asks the sentinels for the
    primary on every new connection). safe: acked only when WAIT 1 says a replica has it."""

    prefix = "w:"

    def __init__(self, safe, limit):
        super().__init__(limit)
        self.safe = safe
        self.sentinel = redis.sentinel.Sentinel([(h, SENTINEL_PORT) for h in HOSTS],
                                                socket_timeout=TIMEOUT,
                                                socket_connect_timeout=TIMEOUT)
        self.master = self.sentinel.master_for(MASTER, socket_timeout=TIMEOUT,
                                               socket_connect_timeout=TIMEOUT)

    def step(self, i):
        self.master.set(f"{self.prefix}{i}", i)
        if self.safe:
            return self.master.execute_command("WAIT", 1, WAIT_MS) >= 1
        return True

    def stop(self):
        super().stop()
        self.master.connection_pool.disconnect()


class DjangoLoad(Load):
    """django-redis with the static multi-LOCATION settings of docs/django.md: writes (set dj:<i>)
    go to the first LOCATION, the host that started as primary; each write is followed by a
    read of an earlier key from one of the other LOCATIONs. It does not ask the sentinels, so
    its writes fail while that host is down or a replica."""

    prefix = ":1:dj:"  # django's key for dj:<i> (KEY_PREFIX '', VERSION 1)

    def __init__(self, limit):
        super().__init__(limit)
        self.reads = 0
        self.cache = make_django_cache()

    def step(self, i):
        self.cache.set(f"dj:{i}", i, timeout=None)
        self.cache.get(f"dj:{random.randint(1, i)}")
        self.reads += 1
        return True

    def stop(self):
        super().stop()
        self.cache.close()


def make_django_cache():
    import django
    from django.conf import settings
    if not settings.configured:
        settings.configure(USE_TZ=True, CACHES={})
        django.setup()
    from django_redis.cache import RedisCache
    from django_redis.pool import ConnectionFactory
    # django-redis keeps its pools in a class attribute keyed by URL; the drill reuses the same
    # addresses run after run, so every run starts with fresh connections.
    for pool in ConnectionFactory._pools.values():
        pool.disconnect()
    ConnectionFactory._pools.clear()
    return RedisCache([f"redis://{h}:{SERVER_PORT}/0" for h in HOSTS], {
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient",
                    "SOCKET_TIMEOUT": TIMEOUT, "SOCKET_CONNECT_TIMEOUT": TIMEOUT}})


class EventLog:
    """(monotonic time, sentinel host, channel, message) of every event each sentinel publishes,
    one thread per sentinel, until close()."""

    def __init__(self, sentinels):
        self.events = []
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.ready = threading.Barrier(len(sentinels) + 1)
        self.threads = [threading.Thread(target=self._run, args=(s,), daemon=True)
                        for s in sentinels]
        for thread in self.threads:
            thread.start()
        self.ready.wait(timeout=10)

    def _run(self, sentinel):
        """Subscribes again whenever the sentinel goes away (a restart), until close()."""
        first = True
        while not self.stop_flag.is_set():
            client = sentinel.client(socket_timeout=5, socket_connect_timeout=0.5)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.psubscribe("*")
                pubsub.get_message(timeout=2)
                if first:
                    first = False
                    self.ready.wait(timeout=10)
                while not self.stop_flag.is_set():
                    message = pubsub.get_message(timeout=0.1)
                    if message and message["type"] == "pmessage":
                        with self.lock:
                            self.events.append((time.monotonic(), sentinel.host,
                                                message["channel"], message["data"]))
            except (redis.exceptions.RedisError, OSError, threading.BrokenBarrierError):
                time.sleep(0.1)
            finally:
                pubsub.close()
                client.close()

    def first(self, channel, contains, after):
        """Time of the first `channel` event whose message contains `contains`, after `after`."""
        with self.lock:
            return next((t for t, _, c, m in self.events
                         if c == channel and contains in m and t >= after), None)

    def count(self, channel, after):
        """The most `channel` events one sentinel published after `after`."""
        with self.lock:
            hosts = collections.Counter(h for t, h, c, _ in self.events
                                        if c == channel and t >= after)
        return max(hosts.values(), default=0)

    def close(self):
        self.stop_flag.set()
        for thread in self.threads:
            thread.join(timeout=5)
