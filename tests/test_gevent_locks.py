"""gevent's Lock answers `threading.Condition` without yielding (utils/gevent_locks.py,
issue 12): a `notify()` made while holding the lock lets no other greenlet run, so
pymongo's pool lock is never held across a trip round the event loop."""
import os
import subprocess
import sys
import threading

import gevent
import pytest
from gevent.thread import LockType

from utils import gevent_locks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _others_ran_during_notify():
    gevent_locks.install()  # idempotent; the class attribute may be removed by the caller
    condition = threading.Condition(LockType())
    ran = []
    gevent.spawn(ran.append, "other greenlet")  # ready: runs at the next yield
    with condition:
        condition.notify()
        during = list(ran)
    gevent.sleep(0)  # let it run before the next test
    return during


def test_notify_under_a_gevent_lock_does_not_yield():
    assert _others_ran_during_notify() == []


def test_without_it_notify_yields_while_holding_the_lock(monkeypatch):
    """Why the module exists: CPython's fallback tries the lock, and gevent sleeps."""
    original_install = gevent_locks.install
    monkeypatch.setattr(gevent_locks, "install", lambda: None)
    monkeypatch.delattr(LockType, "_is_owned", raising=False)
    try:
        assert _others_ran_during_notify() == ["other greenlet"]
    finally:
        original_install()


def test_the_condition_still_refuses_a_caller_without_the_lock():
    gevent_locks.install()
    condition = threading.Condition(LockType())
    with pytest.raises(RuntimeError):
        condition.notify()


# Run in a child process: the patching must not reach the test process. Concurrent
# inserts through pymongo under gevent; every switch away from an insert's greenlet
# is recorded with the stack it left from; prints how many came from a Condition's
# ownership check.
PYMONGO_UNDER_GEVENT = r"""
import sys
from gevent import monkey
monkey.patch_all()
if sys.argv[2] == "install":
    from utils import gevent_locks
    gevent_locks.install()
import traceback
import gevent, greenlet
from pymongo import MongoClient

collection = MongoClient(sys.argv[1])["parley_gevent_locks"]["inserts"]
collection.insert_one({"warm": True})
workers, from_ownership_checks = set(), []

def trace(event, args):
    origin = args[0]
    if event == "switch" and origin in workers and origin.gr_frame is not None:
        names = [frame.name for frame in traceback.extract_stack(origin.gr_frame)]
        from_ownership_checks.extend(name for name in names if name == "_is_owned")

def insert(n):
    workers.add(greenlet.getcurrent())
    collection.insert_one({"n": n})

greenlet.settrace(trace)
gevent.joinall([gevent.spawn(insert, n) for n in range(40)])
greenlet.settrace(None)
collection.drop()
print(len(from_ownership_checks))
"""


def _ownership_yields(mongo_uri, mode):
    result = subprocess.run([sys.executable, "-c", PYMONGO_UNDER_GEVENT, mongo_uri, mode],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


def test_pymongo_queries_under_gevent_yield_only_for_io(service_urls):
    assert _ownership_yields(service_urls["mongo"], "install") == 0


def test_pymongo_queries_under_plain_gevent_yield_in_the_pool(service_urls):
    """The control: the same inserts without install() yield from the pool's
    Condition checks (two per check-in), holding the pool's lock."""
    assert _ownership_yields(service_urls["mongo"], "plain") > 0
