"""A real Celery worker for the tests: the app module written to a directory, a solo-pool worker
process started on it (stopped by pid at the end), and the module loaded in the test too."""
import importlib.util
import os
import subprocess
import sys
import time
from contextlib import contextmanager


def load_module(path):
    """Imports the Python file at `path` under its file name."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def celery_worker(directory, name, source):
    """Writes `source` to <directory>/<name>.py, starts `celery -A <name> worker` (solo pool, no
    gossip, mingle or heartbeat) in that directory, and yields (module, log path); the worker is
    terminated (then killed) at the end whatever happens."""
    path = directory / f"{name}.py"
    path.write_text(source)
    log_path = directory / "worker.log"
    log = open(log_path, "w")
    env = dict(os.environ, PYTHONPATH=str(directory))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", name, "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield load_module(path), log_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        log.close()


def collect(results, log_path, limit):
    """The values of Celery `results`, in order, all within `limit` seconds (at least 1 s each);
    on a failure the worker log's tail is printed and the error raised."""
    deadline = time.monotonic() + limit
    values = []
    for result in results:
        try:
            values.append(result.get(timeout=max(1.0, deadline - time.monotonic())))
        except Exception:
            print(log_path.read_text()[-4000:])
            raise
    return values
