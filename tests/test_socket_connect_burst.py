"""A burst of socket connects (and then of disconnects) runs a bounded number of
handlers at a time (sockets/connection.py: each holds a Redis and a MongoDB
connection, and the pools keep what a burst made them open); the bound queues,
it refuses nothing: every socket connects, is counted online, then offline."""
import threading
import time

import pytest

from services import presence
from sockets import connection

BURST = 16
BOUND = 4  # smaller than the burst, so the bound is what limits


class Peak:
    """Wraps a function and records how many calls ran at once, at most."""

    def __init__(self, function):
        self.function, self.running, self.most = function, 0, 0
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.02)  # the calls of the burst overlap, unless the bound queues them
            return self.function(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


def in_threads(function, items):
    threads = [threading.Thread(target=function, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


@pytest.fixture
def bounded(monkeypatch):
    monkeypatch.setattr(connection, "_connect_slots", threading.BoundedSemaphore(BOUND))
    monkeypatch.setattr(connection, "_disconnect_slots", threading.BoundedSemaphore(BOUND))
    connects = Peak(presence.socket_connected)
    disconnects = Peak(presence.socket_disconnected)
    monkeypatch.setattr(presence, "socket_connected", connects)
    monkeypatch.setattr(presence, "socket_disconnected", disconnects)
    return connects, disconnects


def test_a_burst_of_connects_and_disconnects_is_bounded_and_complete(app, auth, socket_client,
                                                                      bounded):
    connects, disconnects = bounded
    browsers = [auth.signed_in()[1] for _ in range(BURST)]
    sockets = {}
    in_threads(lambda n: sockets.__setitem__(n, socket_client(browsers[n])), range(BURST))

    assert len(sockets) == BURST and all(sio.is_connected() for sio in sockets.values())
    assert all(any(m["name"] == "connected" for m in sio.get_received())
               for sio in sockets.values())
    assert 1 <= connects.most <= BOUND
    with app.app_context():
        assert presence.online_count() == BURST

    in_threads(lambda sio: sio.disconnect(), list(sockets.values()))
    assert 1 <= disconnects.most <= BOUND
    with app.app_context():
        assert presence.online_count() == 0
