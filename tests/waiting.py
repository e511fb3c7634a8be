"""Waiting for something another process or a background task does."""
import time


def wait_until(condition, timeout=10, what="condition"):
    """Poll `condition()` every 0.1 s until it is true; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
