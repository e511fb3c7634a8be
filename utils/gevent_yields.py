"""Two places where gevent yields to the event loop and the caller meant not to wait
(issue 12). `install()` runs right after gevent patches the standard library
(serve.py; wsgi.py in gunicorn's gevent worker, whose master must not import pymongo).

Under load a yield is a trip round the whole loop: with 500 sockets in a room, every
message wakes 500 writers, and a trip takes tens of milliseconds. Found with
greenlet switch traces of the send POST, 500 clients at 50 and 100 messages/s
(`python -m bench --only fanout --clients 500`).

1. **`threading.Condition` over gevent's Lock.** `notify()`, `notify_all()` and
   `wait()` first check that the caller holds the lock: with the lock's
   `_is_owned()` when it has one, otherwise by trying to take it (`acquire(False)`)
   and counting a failure as "held". gevent's Lock has no `_is_owned`, and answers a
   failed non-blocking acquire with `gevent.sleep()` so that spin loops let others
   run (gevent #1464). So every `notify()` yielded while its caller held the lock.
   pymongo's pool notifies twice in every check-in, holding the lock every other
   query needs: at 50 messages/s a check-in took 125-246 ms and a check-out
   110-256 ms, and the send POST's p50 was 300-700 ms (median 77 ms with this). The
   answer given is the one CPython's check computes (held, by anyone: `locked()`),
   without the attempt. Conditions made before `install()` keep the old way.

2. **pymongo's check of an idle connection.** Before reusing a connection idle for
   over a second, pymongo polls its socket with a zero timeout to see whether the
   server closed it. gevent's `poll()` turns even a zero timeout into a wait on the
   loop. At 100 messages/s a sixth of the check-outs made it, at 133 ms each. A
   zero-timeout poll never blocks, so it goes to the operating system's own poll;
   any other timeout still waits on gevent's.
"""
from gevent import monkey
from gevent.thread import LockType
from pymongo import pool_shared
from pymongo.socket_checker import SocketChecker

try:
    _system_poll = monkey.get_original("select", "poll")
except AttributeError:  # no poll() (Windows): pymongo uses select(), which gevent answers at once
    _system_poll = None


def _held(lock):
    return lock.locked()


class InstantSocketChecker(SocketChecker):
    """pymongo's SocketChecker, answering a zero-timeout check without the loop."""

    def __init__(self):
        super().__init__()  # gevent's poll, for a check that may wait
        self._instant = SocketChecker()
        self._instant._poller = _system_poll()

    def select(self, sock, read=False, write=False, timeout=0):
        if timeout == 0:
            return self._instant.select(sock, read=read, write=write, timeout=0)
        return super().select(sock, read=read, write=write, timeout=timeout)


def install():
    LockType._is_owned = _held  # what threading.Condition looks for
    if _system_poll is not None:
        pool_shared.SocketChecker = InstantSocketChecker  # what each pymongo Connection makes
