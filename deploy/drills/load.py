"""The drill's clients, run inside the namespace from 127.0.0.1 (the client host), each a
bounded thread (support.sentinel.Load): a redis-py Sentinel writer (the tests' Writer), a
django-redis multi-LOCATION cache client, and a timestamped subscriber to every sentinel's
events."""
import collections
import random
import threading
import time

import redis

from cluster import MASTER, SENTINEL_PORT, SERVER_PORT
from netns import HOSTS
from support.sentinel import Load, Writer

TIMEOUT = 0.5  # client socket timeouts (s): a dead or paused node costs at most this per call
WAIT_MS = 200  # safe mode: WAIT 1 200 after each write (support.sentinel.Writer's)
PACE = 0.002  # seconds between two steps of a client


def sentinel_writer(safe, limit):
    """SET w:<i> <i> through redis-py's Sentinel master_for; safe: acked only when WAIT 1 says
    a replica has it."""
    return Writer([(h, SENTINEL_PORT) for h in HOSTS], name=MASTER, prefix="w:",
                  wait_replicas=1 if safe else 0, limit=limit, pace=PACE, timeout=TIMEOUT)


class DjangoLoad(Load):
    """django-redis with the static multi-LOCATION settings of docs/django.md: writes (set dj:<i>)
    go to the first LOCATION, the host that started as primary; each write is followed by a
    read of an earlier key from one of the other LOCATIONs. It does not ask the sentinels, so
    its writes fail while that host is down or a replica."""

    prefix = ":1:dj:"  # django's key for dj:<i> (KEY_PREFIX '', VERSION 1)

    def __init__(self, limit):
        super().__init__(limit, PACE)
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
