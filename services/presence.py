"""Presence in Redis: which sockets each user has open, and who is online.

A user is online while at least one socket is open (two tabs are one user).
Sets are updated in MULTI/EXEC transactions so two processes agree on the
moment a user comes online or goes offline.
"""
from utils.redis_client import get_redis, key

ONLINE = key("online_users")


def _user_sockets(user_id):
    return key("user_sockets", user_id)


def _session_sockets(session_id):
    return key("session_sockets", session_id)


def socket_connected(user_id, sid, session_id):
    """Record a socket; True when it is the user's first (they just came online)."""
    pipe = get_redis().pipeline()
    pipe.sadd(_user_sockets(user_id), sid)
    pipe.scard(_user_sockets(user_id))
    pipe.sadd(ONLINE, user_id)
    pipe.sadd(_session_sockets(session_id), sid)
    pipe.hset(key("socket", sid), mapping={"user_id": user_id, "session_id": session_id})
    _, count, _, _, _ = pipe.execute()
    return count == 1


def socket_disconnected(user_id, sid):
    """Forget a socket; True when it was the user's last (they just went offline)."""
    redis = get_redis()
    session_id = redis.hget(key("socket", sid), "session_id")
    pipe = redis.pipeline()
    pipe.srem(_user_sockets(user_id), sid)
    pipe.scard(_user_sockets(user_id))
    pipe.delete(key("socket", sid))
    if session_id:
        pipe.srem(_session_sockets(session_id), sid)
    results = pipe.execute()
    if results[1] == 0:
        redis.srem(ONLINE, user_id)
        return True
    return False


def is_online(user_id):
    return bool(get_redis().sismember(ONLINE, str(user_id)))


def online_user_ids():
    return sorted(get_redis().smembers(ONLINE))


def online_count():
    return get_redis().scard(ONLINE)


def sockets_of_user(user_id):
    return list(get_redis().smembers(_user_sockets(user_id)))


def sockets_of_session(session_id):
    return list(get_redis().smembers(_session_sockets(session_id)))
