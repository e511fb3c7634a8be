"""Invitations to private chat rooms and group chats (§6.14, §11.12)."""
from pymongo import DESCENDING

from models.chat_room import MODERATOR, ChatRoom
from models.chat_room_invitation import ChatRoomInvitation
from models.topic import Topic
from models.user import User
from policies import room as room_policy
from policies.blocks import is_blocked
from services import realtime
from services.chat_room_members import add_member, room_with_level, socket_room
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.rate_limit import enforce_setting


def invite(room_id, actor, ref):
    room = room_with_level(room_id, actor, MODERATOR, "Permission denied")
    enforce_setting("CHAT_INVITE", actor["_id"], "Too many invitations")
    if room.get("is_public") and not room.get("is_group_chat"):
        raise ValidationFailed("Invitations are only for private chat rooms")
    target = _find_user(ref)
    if room_policy.is_member(room["_id"], target["_id"]):
        raise ValidationFailed("User is already a member of this chat room")
    if ChatRoomInvitation.find_one({"room_id": room["_id"], "invited_user_id": target["_id"],
                                    "status": "pending"}):
        raise ValidationFailed("User already has a pending invitation to this chat room")
    if is_blocked(target["_id"], actor["_id"]):
        raise Forbidden("You cannot invite this user")
    create_invitation(room, actor, target)


def _find_user(ref):
    target = None
    if ref.user_id:
        target = User.get(ref.user_id)
    elif ref.username:
        target = User.by_username(ref.username)
    if target is None:
        raise NotFound("User not found")
    return target


def create_invitation(room, actor, target):
    invitation = ChatRoomInvitation.insert(room_id=room["_id"], invited_user_id=target["_id"],
                                           invited_by=actor["_id"])
    realtime.emit_to_user(target["_id"], "chat_room_invitation", {
        "invitation_id": str(invitation["_id"]), "room_id": str(room["_id"]),
        "invited_user_id": str(target["_id"]), "invited_by": str(actor["_id"]),
        "invited_by_username": actor["username"], "room_name": room["name"],
        "room_description": room.get("description", "")})
    return invitation


def invitations(user, limit=50, offset=0):
    rows = ChatRoomInvitation.find({"invited_user_id": user["_id"], "status": "pending"},
                                   sort=[("created_at", DESCENDING)], skip=offset, limit=limit)
    return [view for view in (_invitation_view(row) for row in rows) if view is not None]


def _invitation_view(row):
    room = ChatRoom.get(row["room_id"])
    if room is None:
        return None
    topic = Topic.get(room["topic_id"]) if room.get("topic_id") else None
    inviter = User.get(row["invited_by"], include_deleted=True, projection={"username": 1})
    return {"id": str(row["_id"]), "_id": str(row["_id"]), "room_id": str(room["_id"]),
            "room_name": room["name"], "room_description": room.get("description", ""),
            "topic_id": str(topic["_id"]) if topic else None,
            "topic": {"id": str(topic["_id"]), "title": topic["title"]} if topic else None,
            "is_group_chat": bool(room.get("is_group_chat")), "status": row["status"],
            "invited_by": {"id": str(row["invited_by"]),
                           "username": inviter["username"] if inviter else None},
            "created_at": row["created_at"]}


def _pending_invitation(invitation_id, user, message):
    row = ChatRoomInvitation.get(invitation_id)
    if row is None or row["invited_user_id"] != user["_id"] or row["status"] != "pending":
        raise ValidationFailed(message)
    return row


def accept_invitation(invitation_id, user):
    row = _pending_invitation(invitation_id, user, "Failed to accept invitation")
    room = ChatRoom.get(row["room_id"])
    if room is None or room_policy.is_banned(room["_id"], user["_id"]) or \
            room_policy.is_topic_banned(room, user):
        raise ValidationFailed("Failed to accept invitation")
    add_member(room, user["_id"], added_by=row["invited_by"])
    ChatRoomInvitation.update(row["_id"], set_={"status": "accepted"})
    realtime.emit("chat_room_invitation_accepted",
                  {"room_id": str(room["_id"]), "user_id": str(user["_id"])},
                  room=socket_room(room["_id"]))


def decline_invitation(invitation_id, user):
    row = _pending_invitation(invitation_id, user, "Failed to decline invitation")
    ChatRoomInvitation.update(row["_id"], set_={"status": "declined"})
