"""A real Celery round trip: broker and result backend on a spawned server, a solo-pool worker."""
import gc
import importlib.util
import os
import subprocess
import sys
import time

import pytest

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


def load_module(path):
    spec = importlib.util.spec_from_file_location("tandem_tasks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def worker_env(server_factory, tmp_path):
    server = server_factory()
    (tmp_path / "tandem_tasks.py").write_text(TASKS.format(port=server.port))
    log = open(tmp_path / "worker.log", "w")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tandem_tasks", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield server, load_module(tmp_path / "tandem_tasks.py"), tmp_path / "worker.log"
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)
    log.close()


def test_fifty_tasks_round_trip(worker_env):
    server, tasks, log_path = worker_env
    results = [tasks.add.delay(i, i) for i in range(50)]
    deadline = time.monotonic() + 90
    values = []
    for result in results:
        remaining = max(1.0, deadline - time.monotonic())
        try:
            values.append(result.get(timeout=remaining))
        except Exception:
            print(log_path.read_text()[-4000:])
            raise
    assert values == [2 * i for i in range(50)]
    assert "ready." in log_path.read_text()
    # Ack emulation ran its Lua: the restore mutex (a redis-py Lock) released through EVALSHA.
    assert server.client().info("commandstats")["cmdstat_evalsha"]["calls"] > 0
    # Results unsubscribe from the backend when collected: do it while the server still runs.
    del results, result
    gc.collect()
    tasks.app.close()
