"""Typing indicators: throttled, relayed, never stored.

The throttle lives in Redis (one key per user and target, a few seconds long)
so a client hammering `typing_start` produces at most one event per window,
whichever process its socket is on; the access check runs only for events
that pass the throttle.
"""
from services import realtime
from utils.rate_limit import cooldown
from utils.redis_client import get_redis, key

THROTTLE_SECONDS = 2


def _throttle_name(user, room):
    return f"typing:{user['_id']}:{room}"


def started(user, room, sid, extra=None, authorize=None):
    """Tell `room` (except the typer's socket) that `user` is typing; False when throttled."""
    if not cooldown(_throttle_name(user, room), THROTTLE_SECONDS):
        return False
    if authorize is not None:
        authorize()
    payload = {"user_id": str(user["_id"]), "username": user["username"],
               "display_name": user["username"], "is_anonymous": False, **(extra or {})}
    realtime.emit("user_typing", payload, room=room, skip_sid=sid)
    return True


def stopped(user, room, sid, extra=None, authorize=None):
    """Relay a stop only after a start that was relayed (a flood of stops costs nothing)."""
    if not get_redis().delete(key("cooldown", _throttle_name(user, room))):
        return False
    if authorize is not None:
        authorize()
    realtime.emit("user_stop_typing", {"user_id": str(user["_id"]), **(extra or {})},
                  room=room, skip_sid=sid)
    return True
