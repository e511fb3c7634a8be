"""Logs: JSON (or text) lines carrying the request id; nothing secret goes in."""
import json
import logging
import random
import sys

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter


class AccessLineFormatter(logging.Formatter):
    """The JSON access line, with the same keys JsonFormatter writes, built
    directly: it is written once per request, and python-json-logger's generic
    record walk cost several percent of a cached read."""

    def format(self, record):
        return json.dumps({"time": self.formatTime(record), "level": record.levelname,
                           "logger": record.name, "message": record.getMessage(),
                           "request_id": record.request_id})


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(level="INFO", fmt="json"):
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    access = logging.getLogger("parley.access")
    access.propagate = fmt != "json"
    access.handlers[:] = []
    if fmt == "json":
        access_handler = logging.StreamHandler(sys.stderr)
        access_handler.addFilter(RequestIdFilter())
        access_handler.setFormatter(AccessLineFormatter())
        access.handlers[:] = [access_handler]
    # Per-request lines come from our own hook, without query strings (codes, tokens).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("engineio.server").setLevel(logging.WARNING)
    logging.getLogger("socketio.server").setLevel(logging.WARNING)


def new_request_id():
    """32 hex digits, as uuid4's were. An id tells one request's log lines apart and
    is no secret, so it comes from the process's random generator (which Python
    reseeds in a forked worker): uuid4 read the system's, a system call per request."""
    return f"{random.getrandbits(128):032x}"


def init_request_ids(app):
    access_log = logging.getLogger("parley.access")

    @app.before_request
    def assign_request_id():
        # From the environ: `headers.get` raises and catches a KeyError when absent.
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        valid = incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        g.request_id = incoming if valid else new_request_id()

    @app.after_request
    def log_and_tag(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if access_log.isEnabledFor(logging.INFO) and not request.path.startswith("/socket.io"):
            access_log.info("%s %s %s", request.method, request.path, response.status_code)
        return response
