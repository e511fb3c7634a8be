"""gevent's Lock, answering `threading.Condition` without yielding (issue 12).

`threading.Condition.notify()`, `notify_all()` and `wait()` first check that the
caller holds the condition's lock. They ask the lock's `_is_owned()` when it has
one; otherwise CPython tries to take the lock (`acquire(False)`) and counts a
failure as "held". gevent's Lock, which `threading.Lock` is once gevent has
patched the standard library, has no `_is_owned`, and it answers a failed
non-blocking acquire with `gevent.sleep()` so that spin loops let other greenlets
run (gevent #1464). So every `notify()` yielded to the event loop while its
caller held the lock.

Under load a yield is a trip round the whole loop. pymongo's connection pool
notifies two conditions in every check-in, holding the pool's lock, and every
other query waits for that lock. With 500 sockets in one room and 50 messages/s
(`bench/worker.py`, py-spy and greenlet switch traces), a check-in took 125-246 ms
and a check-out 110-256 ms, and the send POST's p50 was 300-700 ms; with this,
check-in takes under 0.1 ms and the POST 67-78 ms.

The answer given is the one CPython's own check computes: held, by anyone
(`locked()`), only without the attempt to take it. Conditions made before
`install()` keep asking the old way, so it runs right after gevent patches.
"""
from gevent.thread import LockType


def _held(lock):
    return lock.locked()


def install():
    """Give gevent's Lock the `_is_owned` that `threading.Condition` looks for."""
    LockType._is_owned = _held
