"""What a burst of closed sockets leaves behind (utils/memory.py, issue 12): their
Engine.IO ping tasks end at close, their WebSocket threads register no ident, and one
release pass follows the burst."""
import engineio
import gevent
from engineio import socket as engineio_socket
from engineio.async_drivers import gevent as engineio_gevent
from gevent.hub import get_hub

from extensions import socketio
from utils import memory


def test_the_engineio_server_makes_closing_sockets(app):
    # sockets/connection.py installs it when the handlers are registered.
    assert issubclass(engineio_socket.Socket, memory.ClosingSocket)


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
    started = []
    start = server.start_background_task
    server.start_background_task = lambda *args: started.append(start(*args)) or started[-1]
    sock = memory.ClosingSocket.__bases__[0](server, "sid-plain")  # python-engineio's class
    sock.schedule_ping()
    gevent.sleep(0)
    sock.close(wait=False, abort=True)
    gevent.sleep(0)
    assert len(started) == 1 and not started[0].dead  # asleep for 25 s more
    started[0].kill()


def test_the_gevent_websocket_is_made_with_named_threads(app):
    # sockets/connection.py installs it when the handlers are registered.
    assert engineio_gevent.Thread is memory.NamedWebSocketThread


def _renamed_as_simple_websocket_does(thread_class):
    thread = thread_class(target=lambda: None)
    thread.name = thread.name.replace("(_thread)", "(simple_websocket.Base._thread)")
    return thread


def test_a_websocket_thread_registers_no_ident():
    registry = get_hub().ident_registry
    before = len(registry)
    named = _renamed_as_simple_websocket_does(memory.NamedWebSocketThread)
    assert len(registry) == before and named.name == "simple_websocket.Base._thread"
    # The control: python-engineio's own class registers its thread to name it.
    plain = _renamed_as_simple_websocket_does(memory.NamedWebSocketThread.__bases__[0])
    assert len(registry) == before + 1 and plain.name.startswith("Greenlet-")


def test_one_release_pass_per_burst_of_disconnects(monkeypatch):
    started = []
    monkeypatch.setattr(socketio, "start_background_task",
                        lambda target, *args: started.append((target, args)))
    monkeypatch.setattr(memory, "_pending", [])

    for _ in range(10):
        memory.release_soon()

    assert started == [(memory._release, ())]
