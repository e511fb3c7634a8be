"""A data service that does not answer is a 503, never a 500 (issue 16).

MongoDB or Redis being down, paused or failing over is not a bug in the
request: the client is told to retry (`Retry-After`) in the contract's
envelope. REST errors come through Flask's error handlers (including an error
raised while opening or saving the server-side session, which Flask reports as
an InternalServerError wrapping it); socket handlers use `is_unavailable` to
answer an `error` event instead (sockets/common.py).
"""
import logging

from flask import jsonify
from pymongo.errors import ConnectionFailure, WaitQueueTimeoutError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from werkzeug.exceptions import InternalServerError

from utils.errors import unexpected_error

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "Service temporarily unavailable, please retry"
# ConnectionFailure covers AutoReconnect, NetworkTimeout and ServerSelectionTimeoutError.
UNAVAILABLE = (ConnectionFailure, WaitQueueTimeoutError, RedisConnectionError, RedisTimeoutError)


def is_unavailable(exc):
    """True for an error that means a data service is out of reach (also when chained)."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(exc):
    log.warning("data service unavailable: %s: %s", type(exc).__name__, exc)
    response = jsonify({"success": False, "errors": [MESSAGE], "error": MESSAGE})
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def internal_error(exc):
    """An InternalServerError raised outside a view (session open/save) may wrap an outage."""
    original = getattr(exc, "original_exception", None)
    if is_unavailable(original):
        return unavailable_response(original)
    return unexpected_error(original or exc)


def any_error(exc):
    if is_unavailable(exc):
        return unavailable_response(exc)
    return unexpected_error(exc)


def init_app(app):
    for kind in UNAVAILABLE:
        app.register_error_handler(kind, unavailable_response)
    app.register_error_handler(InternalServerError, internal_error)
    # Wrapped outages (a library re-raising a redis error as its own) end here too.
    app.register_error_handler(Exception, any_error)
