"""Chat-room socket events (realtime.md §3.3, §4.4): join and leave a room's live stream.

Every join re-checks existence, privacy, membership and bans (§8.1 of the
realtime sheet: the old server joined any room id).
"""
from flask import request
from flask_socketio import emit, join_room, leave_room  # noqa: A004

from models.user import User
from policies import profile as profile_policy
from schemas.chat import RoomRef, TypingIn
from services import chat_access, typing
from services.chat_room_members import socket_room
from services.realtime import user_room
from services.topic_access import require_not_banned, visible_topic_or_404
from sockets.common import on_event
from utils.errors import Forbidden, ValidationFailed


@on_event("join_chat_room", RoomRef)
def join_chat_room(user, payload):
    room = chat_access.readable_room_or_404(payload.room_id, user)
    join_room(socket_room(room["_id"]))
    emit("chat_room_joined", {"room_id": str(room["_id"]), "room_name": room["name"]})


@on_event("leave_chat_room", RoomRef)
def leave_chat_room(user, payload):
    leave_room(socket_room(payload.room_id))
    emit("chat_room_left", {"room_id": payload.room_id})


def typing_target(user, payload):
    """(Socket.IO room, extra payload, access check) for a typing event."""
    room_id = payload.chat_room_id or payload.room_id
    if room_id:
        return (socket_room(room_id), {"chat_room_id": room_id},
                lambda: chat_access.readable_room_or_404(room_id, user))
    if payload.topic_id:
        def check_topic():
            topic = visible_topic_or_404(payload.topic_id, user)
            require_not_banned(topic["_id"], user)
        return f"topic_{payload.topic_id}", {"topic_id": payload.topic_id}, check_topic
    if payload.to_user_id:
        def check_dm():
            if not profile_policy.can_reach(User.get(payload.to_user_id), user):
                raise Forbidden("You cannot message this user")
        return (user_room(payload.to_user_id), {"from_user_id": str(user["_id"])}, check_dm)
    raise ValidationFailed("A room, topic or user is required")


@on_event("typing_start", TypingIn)
def typing_start(user, payload):
    room, extra, check = typing_target(user, payload)
    typing.started(user, room, request.sid, extra, authorize=check)


@on_event("typing_stop", TypingIn)
def typing_stop(user, payload):
    room, extra, check = typing_target(user, payload)
    typing.stopped(user, room, request.sid, extra, authorize=check)
