"""A real Celery round trip: broker and result backend on a spawned server, a solo-pool worker."""
import gc

import pytest

from support.celery_worker import celery_worker, collect

TASKS = '''
from celery import Celery

app = Celery("tandem_tasks", broker="redis://127.0.0.1:{port}/0", backend="redis://127.0.0.1:{port}/1")
app.conf.broker_connection_retry_on_startup = True
# kombu's default ack emulation: unacked messages are restored under a redis-py Lock, whose
# release runs through EVALSHA.


@app.task
def add(x, y):
    return x + y
'''


@pytest.fixture
def worker_env(server_factory, tmp_path):
    server = server_factory()
    with celery_worker(tmp_path, "tandem_tasks", TASKS.format(port=server.port)) as (tasks, log):
        yield server, tasks, log


def test_fifty_tasks_round_trip(worker_env):
    server, tasks, log_path = worker_env
    results = [tasks.add.delay(i, i) for i in range(50)]
    assert collect(results, log_path, 90) == [2 * i for i in range(50)]
    assert "ready." in log_path.read_text()
    # Ack emulation ran its Lua: the restore mutex (a redis-py Lock) released through EVALSHA.
    assert server.client().info("commandstats")["cmdstat_evalsha"]["calls"] > 0
    # Results unsubscribe from the backend when collected: do it while the server still runs.
    del results
    gc.collect()
    tasks.app.close()
