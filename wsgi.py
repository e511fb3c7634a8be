"""WSGI entry for gunicorn: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

gunicorn's gevent/eventlet worker has monkey-patched the process before this
module is imported, so it only builds the app, once.
"""
from app import create_app

app = create_app()
