"""Celery with its broker and result backend found through the sentinels (kombu's `sentinel://`
transport, redis-py's Sentinel underneath): tasks round-trip on the reference layout, and again
after a failover to a new primary. Servers from TANDEM_SERVER, sentinels from TANDEM_SENTINEL."""
import gc

import pytest

from support.celery_worker import celery_worker, collect
from support.sentinel import (MASTER, kill9, running_layout, sentinel_available,
                              sentinel_binary)

pytestmark = pytest.mark.skipif(not sentinel_available(),
                                reason=f"no sentinel binary at {sentinel_binary()}")

TASKS = '''
from celery import Celery

SENTINELS = ";".join("sentinel://127.0.0.1:%d" % p for p in {ports})
app = Celery("tandem_sentinel_tasks", broker=SENTINELS, backend=SENTINELS)
app.conf.broker_transport_options = {{"master_name": "{master}"}}
app.conf.result_backend_transport_options = {{"master_name": "{master}"}}
app.conf.broker_connection_retry_on_startup = True


@app.task
def add(x, y):
    return x + y
'''


def test_tasks_round_trip_through_sentinels_and_a_failover(server_factory, tmp_path):
    with running_layout(server_factory, tmp_path / "layout") as layout:
        source = TASKS.format(ports=layout.sentinel_ports(), master=MASTER)
        with celery_worker(tmp_path, "tandem_sentinel_tasks", source) as (tasks, log_path):
            first = [tasks.add.delay(i, i) for i in range(10)]
            assert collect(first, log_path, 60) == [2 * i for i in range(10)]
            assert layout.primary.client().info("commandstats")["cmdstat_lpush"]["calls"] > 0

            old = layout.primary
            kill9(old)
            new_primary = layout.wait_switch(old.port)
            # The client and the worker find the new primary through the sentinels.
            second = [tasks.add.delay(i, 100) for i in range(10)]
            assert collect(second, log_path, 90) == [i + 100 for i in range(10)]
            assert new_primary.client().info("commandstats")["cmdstat_lpush"]["calls"] > 0
            del first, second
            gc.collect()
            tasks.app.close()
