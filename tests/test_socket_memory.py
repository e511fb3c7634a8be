"""What a burst of closed sockets leaves behind (utils/memory.py, issue 12): their
Engine.IO ping tasks end at close, and one release pass follows the burst."""
import gc

import engineio
import gevent
from engineio import socket as engineio_socket

from extensions import socketio
from utils import memory


def test_the_engineio_server_makes_closing_sockets(app):
    # sockets/connection.py installs it when the handlers are registered.
    assert engineio_socket.Socket is memory.ClosingSocket


def test_a_closed_sockets_ping_task_ends_at_close():
    server = engineio.Server(async_mode="gevent")  # ping interval 25 s
    sock = memory.ClosingSocket(server, "sid-closing")
    sock.schedule_ping()
    gevent.sleep(0)  # the ping task starts, and sleeps out its interval
    task = sock._ping_task
    assert task is not None and not task.dead

    sock.close(wait=False, abort=True)
    task.join(timeout=10)  # a bound for a loaded machine: the kill is already scheduled

    assert task.dead and sock._ping_task is None


def test_without_it_the_ping_task_outlives_the_socket():
    """Why ClosingSocket exists: python-engineio's own socket leaves its ping task
    asleep after close, holding the socket."""
    server = engineio.Server(async_mode="gevent")
    sock = memory.ClosingSocket.__bases__[0](server, "sid-plain")  # python-engineio's class
    tasks_before = {g for g in _greenlets() if not g.dead}
    sock.schedule_ping()
    gevent.sleep(0)
    sock.close(wait=False, abort=True)
    gevent.sleep(0)
    left = [g for g in _greenlets() if not g.dead and g not in tasks_before]
    assert len(left) == 1  # the ping task, asleep for 25 s
    gevent.killall(left)


def _greenlets():
    return [obj for obj in gc.get_objects() if isinstance(obj, gevent.Greenlet)]


def test_one_release_pass_per_burst_of_disconnects(monkeypatch):
    started = []
    monkeypatch.setattr(socketio, "start_background_task",
                        lambda target, *args: started.append((target, args)))
    monkeypatch.setitem(memory._burst, "pending", False)

    for _ in range(10):
        memory.release_soon()

    assert started == [(memory._release, ())]
