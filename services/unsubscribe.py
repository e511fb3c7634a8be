"""Signed, expiring, single-use one-click unsubscribe links (RFC 8058).

A token carries the user id, the list (`missed` or `digest`) and a random
nonce, signed with a key derived from SECRET_KEY (itsdangerous), so no one can
make or alter one for another user. The signer's clock is the project's
(`utils.time`), so tests can let a link expire. Using a link records its
nonce in Redis until the link would have expired anyway: it works once.
"""
import uuid

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from models.base import parse_id
from models.user import User
from services import email_prefs
from utils.errors import ValidationFailed
from utils.redis_client import get_redis, key
from utils.time import utcnow

SALT = "parley-email-unsubscribe"


class _ClockSigner(TimestampSigner):
    def get_timestamp(self):
        return int(utcnow().timestamp())


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT,
                                  signer=_ClockSigner)


def _max_age():
    return current_app.config["EMAIL_UNSUBSCRIBE_MAX_AGE_DAYS"] * 86400


def make_token(user_id, list_name):
    return _serializer().dumps({"u": str(user_id), "l": list_name, "n": uuid.uuid4().hex})


def link(token):
    base = current_app.config["EMAIL_LINK_BASE_URL"].rstrip("/")
    return f"{base}/api/email/unsubscribe/{token}"


def read(token):
    """`(user, list_name, nonce)` for a valid token; ValidationFailed otherwise."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired:
        raise ValidationFailed("This unsubscribe link has expired") from None
    except BadSignature:
        raise ValidationFailed("This unsubscribe link is not valid") from None
    user = User.get(parse_id(data.get("u")) if isinstance(data, dict) else None,
                    projection={"preferences": 1, "username": 1, "is_deleted": 1})
    if user is None or user.get("is_deleted") or data.get("l") not in email_prefs.LISTS:
        raise ValidationFailed("This unsubscribe link is not valid")
    return user, data["l"], str(data.get("n"))


def _used_key(nonce):
    return key("email", "unsubscribe_used", nonce)


def is_used(nonce):
    return bool(get_redis().exists(_used_key(nonce)))


def check(token):
    """What the confirmation page shows: `(user, list_name)`; a used link is refused."""
    user, list_name, nonce = read(token)
    if is_used(nonce):
        raise ValidationFailed("This unsubscribe link has already been used")
    return user, list_name


def apply(token):
    """Turn the list off for the token's user, once; returns `(user, list_name)`."""
    user, list_name, nonce = read(token)
    if not get_redis().set(_used_key(nonce), "1", nx=True, ex=_max_age()):
        raise ValidationFailed("This unsubscribe link has already been used")
    email_prefs.turn_off(user, list_name)
    return user, list_name
