"""Who is calling: the signed-in user of this request, and route guards."""
from functools import wraps

from flask import g, session

from models.user import User
from utils.errors import Forbidden, Unauthorized
from utils.time import utcnow


def ban_is_active(user):
    """A ban whose end time has passed is lifted, not enforced forever."""
    if not user.get("is_banned"):
        return False
    expires = user.get("ban_expires_at")
    if expires is not None and expires <= utcnow():
        User.update(user["_id"], set_={"is_banned": False, "ban_expires_at": None})
        return False
    return True


def session_user():
    """The user of the current session, or None (cached on `g` for the request).

    A session is valid only if it is authenticated, its user exists and is
    not banned; otherwise it is cleared.
    """
    if "current_user" in g:
        return g.current_user
    user = None
    user_id = session.get("user_id") if session.get("authenticated") else None
    if user_id:
        user = User.get(user_id)
        if user is None or ban_is_active(user):
            session.clear()
            user = None
    g.current_user = user
    return user


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if session_user() is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = session_user()
        if user is None:
            raise Unauthorized()
        if not user.get("is_admin"):
            raise Forbidden("Admin privileges required")
        return view(*args, **kwargs)

    return wrapper


def current_user():
    """The signed-in user; only call behind `login_required`."""
    return session_user()
