"""The success envelopes of the contract."""
from flask import jsonify


def ok(data=None, status=200, message=None, **extra):
    """`{success: true, data: ..., message?, ...extra}`."""
    body = {"success": True}
    if data is not None:
        body["data"] = data
    if message is not None:
        body["message"] = message
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def done(message, status=200, **extra):
    """`{success: true, message: ...}` for actions without a payload."""
    return ok(None, status=status, message=message, **extra)
