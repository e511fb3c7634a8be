"""Graceful shutdown of one process: tell its sockets to go elsewhere, drain HTTP.

Used by serve.py on SIGTERM and by the gunicorn hooks in deploy/. The steps,
in order, once the caller has stopped accepting new connections:

1. `server_shutdown {reconnect: true, retry_after_ms}` to every socket held by
   *this* process (ignore_queue: the other processes are not going away);
2. close those sockets at the Engine.IO level, not with a Socket.IO namespace
   disconnect: clients treat a transport close as a reason to reconnect (to
   another process, through the load balancer), whereas an "io server
   disconnect" would make them give up;
3. wait until in-flight HTTP requests are done, or the grace period is over;
4. stop the periodic jobs (services/periodic.py), so none wakes up to find
   Redis or MongoDB gone (the embedded servers stop at exit). A pass already
   running finishes; what a job leaves pending (chat counters) waits in Redis
   for the next pass of any process.

Messages are stored before they are emitted, so a message accepted before the
signal is either in its request (drained here) or already in MongoDB, where a
reconnecting client fetches what it missed.
"""
import logging
import time

from flask import current_app

from extensions import socketio
from services import metrics
from services.periodic import stop_all_periodic

log = logging.getLogger(__name__)

SHUTDOWN_EVENT = "server_shutdown"


def local_socket_count():
    server = socketio.server
    return len(server.eio.sockets) if server is not None else 0


def release_sockets(retry_after_ms=1000, flush_seconds=0.3, close_seconds=2.0):
    """Steps 1 and 2; returns how many sockets were released.

    Closing waits for each socket's queued packets to be written, and a client
    that stopped reading never lets that finish (issue 16: a process still
    alive long after its grace). The closes run in a background task, and we
    wait for them at most `close_seconds`: a stuck socket is cut when the
    server stops, within the grace period, instead of holding the shutdown.
    """
    server = socketio.server
    if server is None:
        return 0
    eio_sids = list(server.eio.sockets.keys())
    if not eio_sids:
        return 0
    server.emit(SHUTDOWN_EVENT, {"reconnect": True, "retry_after_ms": retry_after_ms},
                ignore_queue=True)
    socketio.sleep(flush_seconds)  # let the event reach the wire before the close
    closed = []
    socketio.start_background_task(_close_sockets, server, eio_sids, closed)
    deadline = time.monotonic() + close_seconds
    while len(closed) < len(eio_sids) and time.monotonic() < deadline:
        socketio.sleep(0.05)
    if len(closed) < len(eio_sids):
        log.warning("shutdown: %d sockets did not close in %.1fs (not reading); cut at exit",
                    len(eio_sids) - len(closed), close_seconds)
    return len(eio_sids)


def _close_sockets(server, eio_sids, closed):
    for eio_sid in eio_sids:
        try:
            server.eio.disconnect(eio_sid)
        except Exception:  # noqa: BLE001 - a socket already gone is fine
            pass
        closed.append(eio_sid)


def drain_requests(deadline):
    """Step 3: wait (cooperatively) for in-flight HTTP requests until `deadline`."""
    while metrics.in_flight() > 0 and time.monotonic() < deadline:
        socketio.sleep(0.05)
    return metrics.in_flight()


def shut_down(grace_seconds):
    """Steps 1-4 within `grace_seconds`; returns the seconds left of the grace period."""
    deadline = time.monotonic() + grace_seconds
    released = release_sockets(close_seconds=min(5.0, grace_seconds / 4))
    left = drain_requests(deadline)
    stop_all_periodic(current_app)
    log.warning("shutdown: released %d sockets, %d requests still in flight", released, left)
    return max(0.0, deadline - time.monotonic())
