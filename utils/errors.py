"""Typed errors. Services raise them; `register_error_handlers` renders them once
into the contract's envelope: `{success: false, errors: [...], error: "..."}`.

Both `errors` (a list) and `error` (the first message) are sent, because the
single-page app reads `errors[0]` on most screens and `error` on the wizard,
recovery and profile screens.
"""
import logging

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    status = 400
    code = "bad_request"
    default_message = "Bad request"

    def __init__(self, message=None, *, errors=None, **data):
        self.messages = list(errors or [message or self.default_message])
        self.data = data
        super().__init__(self.messages[0])

    @property
    def message(self):
        return self.messages[0]

    def body(self):
        return {"success": False, "errors": self.messages, "error": self.messages[0], **self.data}


class ValidationFailed(AppError):
    status, code, default_message = 400, "invalid", "Invalid input"


class Unauthorized(AppError):
    status, code, default_message = 401, "unauthorized", "Authentication required"


class Forbidden(AppError):
    status, code, default_message = 403, "forbidden", "Permission denied"


class NotFound(AppError):
    status, code, default_message = 404, "not_found", "Not found"


class Conflict(AppError):
    status, code, default_message = 409, "conflict", "Already exists"


class PayloadTooLarge(AppError):
    status, code, default_message = 413, "too_large", "Payload too large"


class RateLimited(AppError):
    status, code, default_message = 429, "rate_limited", "Rate limit exceeded."

    def __init__(self, message=None, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def error_response(error):
    response = jsonify(error.body())
    response.status_code = error.status
    if isinstance(error, RateLimited) and error.retry_after:
        response.headers["Retry-After"] = str(int(error.retry_after))
    return response


HTTP_MESSAGES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    413: "Payload too large",
    415: "Content-Type must be application/json",
    429: "Rate limit exceeded.",
}


def http_error(exc):
    if exc.code == 429:
        return error_response(RateLimited())
    if not request.path.startswith("/api/") and not request.path.startswith("/socket.io"):
        return exc  # pages render their own errors (see routes/pages)
    message = HTTP_MESSAGES.get(exc.code, exc.name)
    if exc.code == 404:
        message = "Page not found"
    response = jsonify({"success": False, "errors": [message], "error": message})
    response.status_code = exc.code
    return response


def unexpected_error(exc):
    # Logged with its traceback; the client learns nothing about the internals.
    log.exception("unhandled error on %s %s", request.method, request.path)
    response = jsonify({"success": False, "errors": ["Internal server error"],
                        "error": "Internal server error"})
    response.status_code = 500
    return response


def register_error_handlers(app):
    app.register_error_handler(AppError, error_response)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
