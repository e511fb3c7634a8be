"""The single way services talk to sockets.

Every server->client event goes through `emit`, so payloads are made JSON-safe
in one place and tests can capture exactly what was sent and to whom. Any
process may emit: with a message queue configured, Socket.IO relays it.
"""
from extensions import socketio
from models.base import to_json_safe


def user_room(user_id):
    return f"user_{user_id}"


def emit(event, payload, room=None, skip_sid=None):
    """Emit `event` to `room` (everyone when None) after the write it reports."""
    socketio.emit(event, to_json_safe(payload), to=room, skip_sid=skip_sid)


def emit_to_user(user_id, event, payload):
    emit(event, payload, room=user_room(user_id))


def disconnect_sockets(sids):
    """Close sockets by id, on whichever process holds them."""
    server = socketio.server
    if server is None:
        return
    for sid in sids:
        try:
            server.disconnect(sid, namespace="/")
        except (KeyError, ValueError):
            pass  # already gone
