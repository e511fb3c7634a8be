"""Run Parley's Socket.IO server: `python serve.py` (what `make run` does).

The async library is chosen from ASYNC_MODE before anything else is imported,
because gevent and eventlet must patch the standard library first.

Signals:
- SIGTERM (and SIGINT): graceful shutdown. Stop accepting connections, tell
  this process's sockets to reconnect elsewhere, finish in-flight requests,
  exit within SHUTDOWN_GRACE_SECONDS (services/shutdown.py).
- SIGHUP: reload SETTINGS_FILE (utils/settings_reload.py); a bad file is
  refused with one log line and the old settings stay.
"""
import gc
import os

# No cyclic garbage collection until the server listens (issue 12): the imports and
# create_app make some 100,000 long-lived objects, and the collector went over them
# about 250 times, 0.1-0.2 s of every start. main() then freezes what start-up made
# (gc.freeze: kept out of every later collection, as it would survive them anyway;
# about 1,500 unreachable start-up objects stay with it) and turns collection on.
gc.disable()

from dotenv import load_dotenv  # noqa: E402

load_dotenv(override=False)
ASYNC_MODE = os.environ.get("ASYNC_MODE", "gevent")


def patch_all_reading_entry_points_once(monkey):
    """gevent's patch_all looks up its plugins' entry points before and after each
    module it patches (about thirty lookups), and each lookup reads the metadata
    of every installed distribution: 0.05-0.15 s of every start with the
    development dependencies installed (issue 12). The installed set cannot
    change while it patches, so one read answers every lookup; the plugins found
    and run are the same."""
    from importlib import metadata

    every_entry_point = metadata.entry_points()
    lookup = metadata.entry_points
    metadata.entry_points = lambda **selection: every_entry_point.select(**selection)
    try:
        monkey.patch_all()
    finally:
        metadata.entry_points = lookup


if ASYNC_MODE == "gevent":
    import gevent
    from gevent import monkey

    patch_all_reading_entry_points_once(monkey)
    from utils import gevent_server, gevent_yields  # after the patching, before any lock

    gevent_yields.install()
    # Spawn trees (a parent link and a spawning stack per greenlet, 4 greenlets per
    # socket) serve only gevent's debugging helpers: about 3.5 KB per idle socket.
    gevent.config.track_greenlet_tree = False
elif ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

import models  # noqa: E402  (the project is imported after the patching above)
from app import create_app  # noqa: E402
from extensions import socketio  # noqa: E402
from services import shutdown  # noqa: E402
from utils import settings_reload  # noqa: E402

log = logging.getLogger("parley")


def on_signal(signum, handler, immediately=None):
    """Run `handler()` in its own green thread (or a thread), never inside the
    interrupted frame, so it may sleep while the server keeps serving.
    `immediately()` (non-blocking) runs in the signal handler itself, before the
    loop gets round to `handler`: a flooded loop may take seconds to do that."""
    if ASYNC_MODE == "gevent" and immediately is not None:
        import gevent

        signal.signal(signum, lambda *_: (immediately(), gevent.spawn(handler)))
    elif ASYNC_MODE == "gevent":
        import gevent

        gevent.signal_handler(signum, lambda: gevent.spawn(handler))
    elif ASYNC_MODE == "eventlet":
        signal.signal(signum, lambda *_: (immediately and immediately(), eventlet.spawn_n(handler)))
    else:
        signal.signal(signum, lambda *_: (immediately and immediately(),
                                          threading.Thread(target=handler, daemon=True).start()))


class Runner:
    """One listening server, with a way to stop accepting and then stop."""

    def __init__(self, app):
        self.app = app
        self.host, self.port = app.config["HOST"], app.config["PORT"]
        self.server = None  # gevent WSGIServer
        self.listener = None  # eventlet listening socket
        self.main_greenlet = None
        self.stopping = False
        self.drained = threading.Event()  # green under gevent/eventlet

    def serve(self):
        if ASYNC_MODE == "gevent":
            from gevent import pywsgi

            self.server = pywsgi.WSGIServer(self.listen(), self.app, log=None,
                                            handler_class=gevent_server.WSGIHandler)
            self.server.serve_forever()
        elif ASYNC_MODE == "eventlet":
            import eventlet.wsgi

            import greenlet

            self.main_greenlet = greenlet.getcurrent()
            self.listener = self.listen()
            # Returns after SystemExit is thrown in (stop_accepting) and its pool drained.
            eventlet.wsgi.server(self.listener, self.app, log_output=False)
        else:
            socketio.run(self.app, host=self.host, port=self.port, debug=False,
                         use_reloader=False, log_output=False, allow_unsafe_werkzeug=True)

    def listen(self):
        """The listening socket, with TCP_NODELAY (inherited by accepted sockets on
        Linux): without it a keep-alive client waits ~40 ms per request, the
        response's second write held by Nagle until the client's delayed ACK."""
        import socket

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind((self.host, self.port))
        listener.listen(2048)
        return listener

    def stop_accepting(self):
        self.stopping = True
        if self.server is not None:
            # Not server.close(): that also ends serve_forever before the drain.
            self.server.stop_accepting()
            self.server.socket.close()
        # eventlet: its server closes every connection on the way out, which would
        # cut the sockets before they are told to reconnect, so it stops in finish().

    def finish(self, grace_left):
        if self.server is not None:
            # Waits for running handlers up to the grace left, then serve() returns.
            self.server.stop(timeout=grace_left)
        elif ASYNC_MODE == "eventlet":
            # eventlet.wsgi.server leaves its accept loop on SystemExit and waits for its
            # running handlers; closing the listener alone does not wake it.
            eventlet.hubs.get_hub().schedule_call_global(0, self.main_greenlet.throw,
                                                         SystemExit)
            eventlet.sleep(grace_left)  # the backstop, should the server not return
            log.error("shutdown: grace period over, exiting with requests still running")
            os._exit(1)
        else:
            os._exit(0)  # development server: nothing to hand over


def exit_at_the_latest(grace):
    """The backstop of a graceful stop (issue 16): whatever a socket or request is
    doing, the kernel ends this process when the grace period is over (SIGALRM's
    default action; no Python code has to run for it). The embedded servers get
    SIGTERM then (devservices: parent-death signal), so `make run` can start again."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, max(1.0, float(grace)))


def main():
    app = create_app()
    settings_reload.load_at_startup(app)
    if app.config["APP_ENV"] == "development":
        with app.app_context():
            models.ensure_indexes()
    runner = Runner(app)

    def terminate():
        if runner.stopping:
            return
        grace = app.config["SHUTDOWN_GRACE_SECONDS"]
        log.warning("shutdown requested: draining within %ss", grace)
        runner.stop_accepting()
        with app.app_context():
            left = shutdown.shut_down(grace)
        runner.drained.set()
        runner.finish(left)

    def arm_backstop():
        if not runner.stopping:
            exit_at_the_latest(app.config["SHUTDOWN_GRACE_SECONDS"])

    on_signal(signal.SIGTERM, terminate, immediately=arm_backstop)
    on_signal(signal.SIGINT, terminate, immediately=arm_backstop)
    on_signal(signal.SIGHUP, lambda: settings_reload.reload_settings(app))
    log.info("Parley serving on http://%s:%s (%s)", runner.host, runner.port, ASYNC_MODE)
    gc.freeze()  # see gc.disable() at the top
    gc.enable()
    runner.serve()
    if runner.stopping:  # eventlet's server may return before the sockets are released
        runner.drained.wait(app.config["SHUTDOWN_GRACE_SECONDS"])
    log.warning("Parley stopped")
    sys.exit(0)  # atexit stops the embedded servers


if __name__ == "__main__":
    main()
