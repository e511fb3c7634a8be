"""WSGI entry for gunicorn: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

gunicorn's gevent/eventlet worker has monkey-patched the process before this
module is imported, so it only builds the app, once (after, under gevent, the
fixes of utils/gevent_yields.py, as serve.py applies them: before any lock is made).
"""
import os

if os.environ.get("ASYNC_MODE") == "gevent":  # deploy/gunicorn.conf.py's raw_env
    from utils import gevent_yields

    gevent_yields.install()

from app import create_app  # noqa: E402

app = create_app()
