"""gunicorn server hooks shared by deploy/gunicorn.conf.py and its eventlet variant.

- on_starting (master, before any fork): logging, gevent's spawn trees off, and a clean
  PROMETHEUS_MULTIPROC_DIR so counters of dead workers from an earlier run do
  not add up into this one.
- post_fork: nothing is opened in the master (preload_app stays off), so each
  worker opens its own MongoDB, Redis and message-queue connections when it
  imports wsgi:app after the fork; this hook only records the fork.
- post_worker_init (worker, app loaded): SETTINGS_FILE, a SIGHUP handler that
  reloads it in place, and a SIGTERM handler that tells this worker's sockets
  to reconnect elsewhere before gunicorn's own graceful stop drains requests.
- worker_int / worker_abort: a log line (with the stack on abort, the sign of
  a worker stuck past `timeout`).
- child_exit: the dead worker's metric files are marked dead.

This file is loaded by the gunicorn master, so it imports only modules that
start no thread and open no connection (settings, logging, the settings file).
`services.shutdown` (Socket.IO, Redis, MongoDB) is imported in the worker, after
the fork and the gevent/eventlet patching: importing it in the master would
create those objects unpatched.
"""
import logging
import os
import shutil
import signal

from config import env_str
from utils import settings_reload
from utils.logging_setup import configure_logging

log = logging.getLogger("parley.gunicorn")


def on_starting(server):
    configure_logging(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "json"))
    # gevent workers: no spawn trees (they serve only gevent's debugging helpers; about
    # 3.5 KB per idle socket). The workers inherit it; serve.py sets the same.
    os.environ.setdefault("GEVENT_TRACK_GREENLET_TREE", "false")
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.makedirs(metrics_dir, exist_ok=True)
    log.info("gunicorn master starting (%s)", server.cfg.worker_class_str)


def post_fork(server, worker):
    log.info("worker %s forked; it opens its own connections when it loads wsgi:app",
             worker.pid)


def post_worker_init(worker):
    app = worker.wsgi
    settings_reload.load_at_startup(app)
    grace = app.config["SHUTDOWN_GRACE_SECONDS"]
    _on_signal(worker, signal.SIGHUP, lambda: settings_reload.reload_settings(app))
    original_exit = worker.handle_exit

    def release_then_exit(sig, frame):
        if worker.alive:  # a second TERM (from a supervisor's process group) is a no-op
            _spawn(worker, lambda: _release(app))
        original_exit(sig, frame)  # gunicorn closes the listener and drains

    signal.signal(signal.SIGTERM, release_then_exit)
    worker.cfg.set("graceful_timeout", grace)
    log.info("worker %s ready (graceful timeout %ss)", worker.pid, grace)


def _release(app):
    from services import shutdown

    with app.app_context():
        count = shutdown.release_sockets()
    log.warning("worker %s: released %d sockets", os.getpid(), count)


def _spawn(worker, fn):
    if "Gevent" in type(worker).__name__:
        import gevent

        gevent.spawn(fn)
    elif "Eventlet" in type(worker).__name__:
        import eventlet

        eventlet.spawn_n(fn)
    else:
        fn()


def _on_signal(worker, signum, fn):
    signal.signal(signum, lambda *_: _spawn(worker, fn))


def worker_int(worker):
    log.warning("worker %s interrupted: quick shutdown", worker.pid)


def worker_abort(worker):
    import traceback

    log.error("worker %s aborted (timeout); stack:\n%s", worker.pid,
              "".join(traceback.format_stack()))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
