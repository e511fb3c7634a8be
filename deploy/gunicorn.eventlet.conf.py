"""gunicorn with the eventlet worker (supported, tested less than gevent):

    gunicorn -c deploy/gunicorn.eventlet.conf.py wsgi:app

Everything but the worker class comes from deploy/gunicorn.conf.py.
"""
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gunicorn.conf.py")) as _f:
    exec(compile(_f.read(), _f.name, "exec"))  # noqa: S102 - our own config file

worker_class = "eventlet"
raw_env = [f"ASYNC_MODE={worker_class}"]
