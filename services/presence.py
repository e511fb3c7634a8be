"""Presence in Redis: which sockets each user has open, and who is online.

A user is online while at least one socket is open (two tabs are one user).
Sets are updated in MULTI/EXEC transactions so two processes agree on the
moment a user comes online or goes offline.

Each socket is also filed under the process that holds it. Every process
renews an "alive" key on a heartbeat; a sweeper (one per deployment) closes
the books on the sockets of a process whose key expired (a crash, a kill -9),
so its users do not stay "online" forever.
"""
import os
import uuid

from extensions import socketio
from models.friendship import friend_ids
from models.user import User
from services.periodic import start_periodic
from services.realtime import emit, emit_to_user
from utils.redis_client import get_redis, key
from utils.time import utcnow

ONLINE = key("online_users")
PROCESSES = key("presence_processes")
_process = {"pid": None, "id": None}


def process_id():
    """This process's id (new after a fork)."""
    if _process["pid"] != os.getpid():
        _process.update(pid=os.getpid(), id=f"{os.getpid()}-{uuid.uuid4().hex[:12]}")
    return _process["id"]


def _user_sockets(user_id):
    return key("user_sockets", user_id)


def _session_sockets(session_id):
    return key("session_sockets", session_id)


def _process_sockets(proc):
    return key("process_sockets", proc)


def _alive(proc):
    return key("process_alive", proc)


def socket_connected(user_id, sid, session_id, alive_ttl=60):
    """Record a socket; True when it is the user's first (they just came online)."""
    proc = process_id()
    pipe = get_redis().pipeline()
    pipe.sadd(_user_sockets(user_id), sid)
    pipe.scard(_user_sockets(user_id))
    pipe.sadd(ONLINE, user_id)
    pipe.sadd(_session_sockets(session_id), sid)
    pipe.hset(key("socket", sid), mapping={"user_id": user_id, "session_id": session_id,
                                           "process": proc})
    pipe.sadd(_process_sockets(proc), sid)
    pipe.sadd(PROCESSES, proc)
    pipe.set(_alive(proc), "1", ex=alive_ttl, nx=True)
    count = pipe.execute()[1]
    return count == 1


def socket_owner(sid):
    """The user id a socket belongs to (it outlives the session, e.g. after logout)."""
    return get_redis().hget(key("socket", sid), "user_id")


def socket_disconnected(user_id, sid):
    """Forget a socket; True when it was the user's last (they just went offline)."""
    redis = get_redis()
    session_id, proc = redis.hmget(key("socket", sid), "session_id", "process")
    pipe = redis.pipeline()
    pipe.srem(_user_sockets(user_id), sid)
    pipe.scard(_user_sockets(user_id))
    pipe.delete(key("socket", sid))
    if session_id:
        pipe.srem(_session_sockets(session_id), sid)
    if proc:
        pipe.srem(_process_sockets(proc), sid)
    results = pipe.execute()
    if results[1] == 0:
        redis.srem(ONLINE, user_id)
        return True
    return False


def online_friend_ids(user_id):
    """The user's friends who are online now: the only ones told of their presence
    (the older server told every socket, which also made a connect ramp quadratic)."""
    ids = [str(oid) for oid in friend_ids(user_id)]
    if not ids:
        return []
    flags = get_redis().smismember(ONLINE, ids)
    return [friend for friend, online in zip(ids, flags) if online]


def _tell_friends(user_id, event, payload):
    for friend in online_friend_ids(user_id):
        emit_to_user(friend, event, payload)


def announce_online(user_id, username):
    _tell_friends(user_id, "user_online", {"user_id": str(user_id), "username": username})


def announce_offline(user_id):
    """After a user's last socket closed: remember when, tell their online friends."""
    user = User.update(user_id, set_={"last_seen": utcnow()})
    _tell_friends(user_id, "user_offline",
                  {"user_id": str(user_id), "username": user["username"] if user else None})


def announce_count():
    """Broadcast `online_count_update`: at once when PRESENCE_COUNT_INTERVAL is 0,
    else at most once per interval for the whole deployment (a Redis NX key elects
    the process that sends it), so a thousand connects cost one broadcast, not a
    thousand. True when the broadcast went out now."""
    from flask import current_app

    interval = current_app.config["PRESENCE_COUNT_INTERVAL"]
    if not interval:
        emit("online_count_update", {"count": online_count()})
        return True
    if not get_redis().set(key("presence_count_pending"), "1", nx=True, px=int(interval * 1000)):
        return False  # a broadcast is already scheduled somewhere

    def send_later(app):
        socketio.sleep(interval)
        with app.app_context():
            emit("online_count_update", {"count": online_count()})

    socketio.start_background_task(send_later, current_app._get_current_object())
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


# ----- processes that died without closing their sockets -----

def heartbeat(ttl):
    get_redis().set(_alive(process_id()), "1", ex=ttl)


def sweep_dead_processes():
    """Forget the sockets of every process whose heartbeat expired; returns how many."""
    redis = get_redis()
    forgotten = 0
    for proc in redis.smembers(PROCESSES):
        if redis.exists(_alive(proc)):
            continue
        for sid in redis.smembers(_process_sockets(proc)):
            user_id = socket_owner(sid)
            if user_id and socket_disconnected(user_id, sid):
                announce_offline(user_id)
            redis.delete(key("socket", sid))
            forgotten += 1
        redis.delete(_process_sockets(proc))
        redis.srem(PROCESSES, proc)
    if forgotten:
        announce_count()
    return forgotten


def start(app):
    """Heartbeat for this process and the deployment's sweeper (off when the interval is 0)."""
    interval = app.config["PRESENCE_HEARTBEAT_SECONDS"]
    start_periodic(app, "presence_heartbeat", interval, lambda: heartbeat(interval * 4),
                   exclusive=False)
    start_periodic(app, "presence_sweep", interval, sweep_dead_processes)
