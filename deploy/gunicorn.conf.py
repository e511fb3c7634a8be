"""gunicorn for one Parley process with the gevent worker:

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

One worker per process (Socket.IO keeps each connection's state in the
process that accepted it); scale by running more processes behind nginx
(deploy/nginx.conf.template), all sharing MongoDB and the Redis message queue.
"""
import os

from deploy.hooks import (child_exit, on_starting, post_fork, post_worker_init,  # noqa: F401
                          worker_abort, worker_int)

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
preload_app = False  # every connection is opened after the fork, in the worker
timeout = 60
graceful_timeout = int(os.environ.get("SHUTDOWN_GRACE_SECONDS", "20"))
keepalive = 5
accesslog = None  # Parley logs each request itself, with its request id
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "parley"
raw_env = [f"ASYNC_MODE={worker_class}"]
