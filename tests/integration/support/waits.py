"""Bounded waits: the one polling loop the suites share, and waits on server state seen through INFO."""
import time

DEFAULT_LIMIT = 30.0


def wait_until(predicate, what, limit=DEFAULT_LIMIT, interval=0.02, state=None):
    """Polls predicate() until it returns a true value (returned); on timeout fails with `what`
    and, when given, state() (a string describing what was last seen)."""
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            seen = f"; last seen: {state()}" if state else ""
            raise AssertionError(f"{what} not reached within {limit}s{seen}")
        time.sleep(interval)


def wait_blocked(r, count, limit=5.0):
    """Waits until INFO clients reports `count` blocked clients."""
    wait_until(lambda: r.info("clients")["blocked_clients"] == count,
               f"blocked_clients == {count}", limit, interval=0.01,
               state=lambda: r.info("clients")["blocked_clients"])
