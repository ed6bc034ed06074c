"""Celery with its broker and result backend found through the sentinels (kombu's `sentinel://`
transport, redis-py's Sentinel underneath): tasks round-trip on the reference layout, and again
after a failover to a new primary. Servers from TANDEM_SERVER, sentinels from TANDEM_SENTINEL."""
import gc
import importlib.util
import os
import subprocess
import sys
import time

import pytest

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


def load_module(path):
    spec = importlib.util.spec_from_file_location("tandem_sentinel_tasks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collect(results, log_path, limit):
    deadline = time.monotonic() + limit
    values = []
    for result in results:
        try:
            values.append(result.get(timeout=max(1.0, deadline - time.monotonic())))
        except Exception:
            print(log_path.read_text()[-4000:])
            raise
    return values


def test_tasks_round_trip_through_sentinels_and_a_failover(server_factory, tmp_path):
    with running_layout(server_factory, tmp_path / "layout") as layout:
        ports = layout.sentinel_ports()
        (tmp_path / "tandem_sentinel_tasks.py").write_text(TASKS.format(ports=ports,
                                                                         master=MASTER))
        log_path = tmp_path / "worker.log"
        log = open(log_path, "w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tandem_sentinel_tasks", "worker",
             "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(tmp_path)), stdout=log,
            stderr=subprocess.STDOUT)
        tasks = load_module(tmp_path / "tandem_sentinel_tasks.py")
        try:
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
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
            log.close()
