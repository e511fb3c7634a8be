"""Who is calling: the signed-in user of this request, and route guards."""
from functools import wraps

from flask import has_request_context, session

from models.user import User
from utils.errors import Forbidden, Unauthorized
from utils.redis_client import get_redis
from utils.request_memo import request_vars
from utils.session_store import SESSION_USER_PREFIX, decode_user, fetch_user, store_user
from utils.time import utcnow

# The signed-in user is read on every request and socket event: it is cached in
# Redis for SESSION_USER_TTL seconds, and dropped on every User.update/delete
# (BaseModel write hook below), so a ban, an unban, a deletion or a profile
# change is seen by the very next request. Private fields (password hash, TOTP
# secret, codes) are never copied to Redis: see CachedUser.
SESSION_USER_TTL = 30
_PRIVATE_FIELDS = frozenset(name for name, field in User.fields.items() if field.private)


def session_user_key(user_id):
    return SESSION_USER_PREFIX + str(user_id)


User.on_write(lambda user_id: get_redis().delete(session_user_key(user_id)))


class CachedUser(dict):
    """A user document from the cache, without its private fields; reading one of
    those loads the document from MongoDB (once)."""

    _loaded = False

    def _load(self, name):
        if name in _PRIVATE_FIELDS and not self._loaded:
            self._loaded = True
            fresh = User.get(dict.__getitem__(self, "_id"))
            if fresh is not None:
                dict.update(self, fresh)

    def __getitem__(self, name):
        self._load(name)
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        self._load(name)
        return dict.get(self, name, default)

    def __contains__(self, name):
        self._load(name)
        return dict.__contains__(self, name)


def _load_user(user_id):
    # The session interface fetched the cached user with the session (one round trip).
    prefetched = getattr(session, "prefetched_user", None) if has_request_context() else None
    if prefetched is not None and prefetched[0] == user_id:
        raw = prefetched[1]
    else:
        raw = fetch_user(user_id)
    if raw is not None:
        return CachedUser(decode_user(raw))
    user = User.get(user_id)
    if user is not None:
        public = {name: value for name, value in user.items() if name not in _PRIVATE_FIELDS}
        store_user(user_id, public, SESSION_USER_TTL)
    return user


def user_by_id(user_id):
    """Any user's document, from the signed-in-user cache when it is there (public
    fields; a private one is loaded on access), else from MongoDB (and then cached).
    None if there is no such user."""
    return _load_user(user_id)


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
    # Each proxy is resolved once: this runs in the hook and again in the view, and
    # an access through a proxy costs about what the rest of a second call does.
    known = request_vars()
    if "current_user" in known:
        return known["current_user"]
    user = None
    current = session._get_current_object()
    user_id = current.get("user_id") if current.get("authenticated") else None
    if user_id:
        user = _load_user(user_id)
        if user is None or ban_is_active(user):
            current.clear()
            user = None
    known["current_user"] = user
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
