"""Bounded waits on server state seen through INFO."""
import time


def wait_blocked(r, count, limit=5.0):
    """Waits until INFO clients reports `count` blocked clients."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if r.info("clients")["blocked_clients"] == count:
            return
        time.sleep(0.01)
    raise AssertionError(f"blocked_clients never reached {count}")
