"""Device cookies against account lockout (issue 16, OWASP "device cookies").

A browser that signed in successfully gets a signed cookie naming the account
and a random device id. When it later tries to sign in to that account, it is
not counted against the account-wide failure budget that stops a distributed
guesser (routes/auth.py `limit`), so a stranger's failures cannot lock the
owner out; it has a failure budget of its own instead (per device id), so a
stolen cookie does not give unlimited guesses either. Browsers without a valid
cookie for the account share the account-wide budget, as before.
"""
import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from models.user import User

COOKIE_NAME = "parley_device"
SALT = "parley-device-cookie"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age():
    return current_app.config["DEVICE_COOKIE_DAYS"] * 86400


def issue(response, user):
    """Give the browser that just signed in as `user` a device cookie for that account."""
    value = _serializer().dumps({"u": str(user["_id"]), "d": secrets.token_urlsafe(16)})
    response.set_cookie(COOKIE_NAME, value, max_age=_max_age(), path="/api/auth",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"],
                        samesite=current_app.config["SESSION_COOKIE_SAMESITE"])
    return response


def presented():
    """The valid device cookie of this request ({u, d}), or None."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:
        return None
    return value if isinstance(value, dict) and value.get("u") and value.get("d") else None


def trusted_for(identifier):
    """True when this browser holds a valid device cookie for the account `identifier` names."""
    if "device_trusted" not in g:
        cookie = presented()
        user = User.by_identifier(identifier) if cookie and identifier else None
        g.device_trusted = bool(user and str(user["_id"]) == cookie["u"])
    return g.device_trusted


def device_key():
    cookie = presented()
    return f"device:{cookie['d']}" if cookie else f"addr:{request.remote_addr}"
