"""Tiny factories: users through the ODM, with sequences for unique names."""
import itertools

import pyotp

from models.user import User
from utils import crypto

_seq = itertools.count(1)


def create_user(username=None, email=None, is_admin=False, email_verified=True,
                totp_enabled=True, preferences=None, **fields):
    """A user able to sign in; its plain TOTP secret is on the returned dict."""
    n = next(_seq)
    username = username or f"user{n}"
    secret = crypto.new_totp_secret()
    user = User.insert(
        username=username, username_lower=username.lower(),
        email=email or f"{username.lower()}@example.com",
        email_verified=email_verified, totp_enabled=totp_enabled,
        totp_secret_enc=crypto.encrypt_secret(secret),
        preferences=preferences if preferences is not None else {"language": "en"},
        is_admin=is_admin, **fields,
    )
    user["totp_secret"] = secret
    return user


def create_admin(**fields):
    return create_user(is_admin=True, **fields)


def totp_now(user):
    return pyotp.TOTP(user["totp_secret"]).now()


def login(client, user):
    """Sign in over HTTP with a fresh TOTP code (the replay guard is reset first)."""
    User.update(user["_id"], unset=["totp_last_step"])
    return client.post("/api/auth/login-passwordless",
                       json={"identifier": user["username"], "totp_code": totp_now(user)})


def make_friends(user_a, user_b):
    """An accepted friendship between two users (as if a request was accepted)."""
    from models.friendship import ACCEPTED, Friendship, pair_key
    from utils.time import utcnow

    return Friendship.insert(from_user_id=user_a["_id"], to_user_id=user_b["_id"],
                             pair_key=pair_key(user_a["_id"], user_b["_id"]),
                             status=ACCEPTED, accepted_at=utcnow())
