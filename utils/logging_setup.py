"""Logs: JSON (or text) lines carrying the request id; nothing secret goes in."""
import logging
import sys
import uuid

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter


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
    # Per-request lines come from our own hook, without query strings (codes, tokens).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("engineio.server").setLevel(logging.WARNING)
    logging.getLogger("socketio.server").setLevel(logging.WARNING)


def init_request_ids(app):
    access_log = logging.getLogger("parley.access")

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        valid = incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        g.request_id = incoming if valid else uuid.uuid4().hex

    @app.after_request
    def log_and_tag(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if not request.path.startswith("/socket.io"):
            access_log.info("%s %s %s", request.method, request.path, response.status_code)
        return response
