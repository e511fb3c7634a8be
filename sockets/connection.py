"""Connect, disconnect and presence (realtime.md §1, §4.1)."""
import logging
import threading

from engineio import socket as engineio_socket
from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, emit, join_room  # noqa: A004

from extensions import socketio
from models.base import parse_id
from models.user import User
from services import presence
from services.realtime import user_room
from sockets.common import disconnect_hooks, on_event
from utils import memory, websocket_batching
from utils.auth import session_user
from utils.websocket_batching import BatchedWrites

log = logging.getLogger(__name__)


# A burst of connects (every client of a restarted process at once) or disconnects
# runs this many handlers at a time, the others wait their turn. Each handler holds a Redis
# and a MongoDB connection while it runs: unbounded, the pools grew to one connection
# per concurrent connect and kept them (a 1,000-socket burst left ~160 behind). At 16,
# a 500-client burst under load (bench fan-out) queued connects so long that 160
# clients' room joins went unanswered for 30 s; at 64 all joined.
CONNECT_CONCURRENCY = 64
_connect_slots = threading.BoundedSemaphore(CONNECT_CONCURRENCY)
_disconnect_slots = threading.BoundedSemaphore(CONNECT_CONCURRENCY)


class EngineIOSocket(BatchedWrites, memory.ClosingSocket):
    """python-engineio's socket, whose WebSocket writer sends what it polled in one
    call (utils/websocket_batching.py) and whose ping task ends at close instead of
    holding the socket for up to 25 s (utils/memory.py)."""


engineio_socket.Socket = EngineIOSocket  # python-engineio's server makes its sockets with it
websocket_batching.install()  # and its WebSockets, with the batch EngineIOSocket flushes
memory.name_websocket_threads()  # no ident registered per WebSocket (utils/memory.py)


@socketio.on("connect")
def on_connect(auth=None):
    with _connect_slots:
        _connect()


def _connect():
    user = session_user()
    if user is None:
        raise ConnectionRefusedError("Authentication required")
    user_id, username = str(user["_id"]), user["username"]
    join_room(user_room(user_id))
    ttl = current_app.config["PRESENCE_HEARTBEAT_SECONDS"] * 4 or 60
    came_online = presence.socket_connected(user_id, request.sid, session.sid, alive_ttl=ttl)
    emit("connected", {"user_id": user_id, "username": username,
                       "message": "Connected to Parley"})
    if came_online:
        presence.announce_online(user_id, username)
    if not presence.announce_count():  # coalesced: the newcomer learns the count now
        emit("online_count_update", {"count": presence.online_count()})


@socketio.on("disconnect")
def on_disconnect(reason=None):
    memory.release_soon()  # after a burst of disconnects, the freed memory goes back
    with _disconnect_slots:
        _disconnect()


def _disconnect():
    user_id = presence.socket_owner(request.sid)
    if user_id is None:
        return
    for hook in disconnect_hooks:
        try:
            hook(user_id, request.sid)
        except Exception:  # noqa: BLE001 - one domain's failure must not skip presence
            log.exception("disconnect hook %s failed", getattr(hook, "__name__", hook))
    if presence.socket_disconnected(user_id, request.sid):
        presence.announce_offline(user_id)
    presence.announce_count()


def _online_ids(limit=None):
    ids = [parse_id(user_id) for user_id in presence.online_user_ids()]
    return [oid for oid in ids if oid is not None][:limit]


@on_event("get_online_users")
def get_online_users(user, _payload):
    users = User.find({"_id": {"$in": _online_ids(limit=500)}}, projection={"username": 1})
    emit("online_users_list", {"users": [
        {"user_id": str(u["_id"]), "username": u["username"]} for u in users]})


@on_event("get_admin_count")
def get_admin_count(user, _payload):
    emit("admin_online_count", {"count": User.count({"_id": {"$in": _online_ids()},
                                                    "is_admin": True})})


@on_event("debug_whoami")
def debug_whoami(user, _payload):
    """The SPA's DM panel logs this. Only the caller's own facts, nothing internal."""
    user_id = str(user["_id"])
    emit("debug_whoami_response", {
        "sid": request.sid, "user": user["username"], "user_id": user_id,
        "tracked_rooms_in_memory": [], "expected_private_room": user_room(user_id)})
