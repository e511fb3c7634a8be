"""Server-side login sessions: start (with a fresh id), end one, end all of a user's.

Flask-Session keeps the session data in Redis; here we also keep, per user,
the set of their session ids, so a ban or an account deletion can end every
session and every socket of that user at once.
"""
from flask import current_app, session

from services import presence
from services.realtime import disconnect_sockets
from utils.redis_client import get_redis, key
from utils.time import isoformat, utcnow


def _user_sessions(user_id):
    return key("user_sessions", user_id)


def start(user, auth_method="totp"):
    """Sign `user` in on this request's session, rotating the session id."""
    # Flask-Session names the store after the id; regenerating drops the old one,
    # so an id planted before sign-in is worthless after it (no fixation).
    current_app.session_interface.regenerate(session)
    session.clear()
    user_id = str(user["_id"])
    session.update({
        "user_id": user_id, "username": user["username"], "authenticated": True,
        "login_time": isoformat(utcnow()), "auth_method": auth_method,
    })
    redis = get_redis()
    redis.sadd(_user_sessions(user_id), session.sid)
    redis.expire(_user_sessions(user_id), current_app.permanent_session_lifetime)


def end_current():
    """Log out this request's session and close the sockets opened with it."""
    user_id = session.get("user_id")
    if user_id:
        get_redis().srem(_user_sessions(user_id), session.sid)
    disconnect_sockets(presence.sockets_of_session(session.sid))
    session.clear()


def end_all(user_id):
    """End every session and close every socket of `user_id` (ban, deletion)."""
    redis = get_redis()
    prefix = current_app.config.get("SESSION_KEY_PREFIX", "session:")
    session_ids = redis.smembers(_user_sessions(user_id))
    if session_ids:
        redis.delete(*[prefix + sid for sid in session_ids])
    redis.delete(_user_sessions(user_id))
    disconnect_sockets(presence.sockets_of_user(user_id))
