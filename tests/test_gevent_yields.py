"""Where gevent yielded and the caller meant not to wait (utils/gevent_yields.py,
issue 12): a `notify()` made while holding a lock lets no other greenlet run, so
pymongo's pool lock is never held across a trip round the event loop, and pymongo's
check of an idle connection does not wait on the loop either."""
import json
import os
import socket
import subprocess
import sys
import threading

import gevent
import pytest
from gevent.thread import LockType

from utils import gevent_yields

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _others_ran_during_notify():
    condition = threading.Condition(LockType())
    ran = []
    gevent.spawn(ran.append, "other greenlet")  # ready: runs at the next yield
    with condition:
        condition.notify()
        during = list(ran)
    gevent.sleep(0)  # let it run before the next test
    return during


def test_notify_under_a_gevent_lock_does_not_yield():
    gevent_yields.install()
    assert _others_ran_during_notify() == []


def test_without_it_notify_yields_while_holding_the_lock(monkeypatch):
    """Why the module exists: CPython's fallback tries the lock, and gevent sleeps."""
    monkeypatch.delattr(LockType, "_is_owned", raising=False)  # restored after the test
    assert _others_ran_during_notify() == ["other greenlet"]


def test_the_condition_still_refuses_a_caller_without_the_lock():
    gevent_yields.install()
    condition = threading.Condition(LockType())
    with pytest.raises(RuntimeError):
        condition.notify()


def test_the_instant_checker_sees_a_closed_peer_and_an_open_one():
    mine, peer = socket.socketpair()
    checker = gevent_yields.InstantSocketChecker()
    try:
        assert checker.socket_closed(mine) is False
        peer.close()
        assert checker.socket_closed(mine) is True
    finally:
        mine.close()


# Run in a child process: the patching must not reach the test process. Inserts
# through pymongo under gevent, after the pool's connection sat idle for over a
# second (so pymongo checks it before reuse), then 40 at once; every switch away
# from an insert's greenlet is recorded with the functions it left from. Prints
# how many came from a Condition's ownership check and from the idle check.
PYMONGO_UNDER_GEVENT = r"""
import json, sys
from gevent import monkey
monkey.patch_all()
if sys.argv[2] == "install":
    from utils import gevent_yields
    gevent_yields.install()
import traceback
import gevent, greenlet
from pymongo import MongoClient

collection = MongoClient(sys.argv[1])["parley_gevent_yields"]["inserts"]
collection.insert_one({"warm": True})
gevent.sleep(1.2)  # idle past pymongo's one-second check interval
workers, switched_from = set(), {"_is_owned": 0, "socket_closed": 0}

def trace(event, args):
    origin = args[0]
    if event == "switch" and origin in workers and origin.gr_frame is not None:
        names = {frame.name for frame in traceback.extract_stack(origin.gr_frame)}
        for name in switched_from:
            switched_from[name] += name in names

def insert(n):
    workers.add(greenlet.getcurrent())
    collection.insert_one({"n": n})

greenlet.settrace(trace)
insert(-1)
gevent.joinall([gevent.spawn(insert, n) for n in range(40)])
greenlet.settrace(None)
collection.drop()
print(json.dumps(switched_from))
"""


def _yields(mongo_uri, mode):
    result = subprocess.run([sys.executable, "-c", PYMONGO_UNDER_GEVENT, mongo_uri, mode],
                            check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_pymongo_queries_under_gevent_yield_only_for_io(service_urls):
    assert _yields(service_urls["mongo"], "install") == {"_is_owned": 0, "socket_closed": 0}


def test_pymongo_queries_under_plain_gevent_yield_in_the_pool(service_urls):
    """The control: without install(), the same inserts yield from the pool's
    Condition checks (two per check-in, holding the pool's lock) and from the
    check of the idle connection."""
    counts = _yields(service_urls["mongo"], "plain")
    assert counts["_is_owned"] > 0 and counts["socket_closed"] > 0
