"""Chat rooms: topic rooms and group chats: create, list, read, update, delete, join,
leave, members, mute. Moderation is services/chat_room_moderation.py, invitations
services/chat_room_invitations.py, membership primitives services/chat_room_members.py;
who may do what is policies/room.py.

Every rule of rest-content §6 lives here; routes only parse and shape. Public
rooms: any signed-in user may join and read. Private rooms and group chats:
members only (history too). Bans and kicks also take the user's sockets out
of the room's Socket.IO room, on whichever process they are connected.
"""
from datetime import timedelta

from pymongo import DESCENDING

from models.chat_room import MODERATOR, OWNER, ChatRoom, ChatRoomBan, ChatRoomMember
from models.topic import Topic
from models.user import User
from policies import facts
from policies import room as room_policy
from policies import topic as topic_policy
from policies.blocks import is_blocked_either
from policies.lists import exclude_hidden
from schemas import is_https_url
from services import chat_cache, realtime
from services.chat_room_invitations import create_invitation
from services.chat_room_members import (add_member, evict_sockets, kick_key, remove_member,
                                        room_with_level, socket_room)
from services.images import clean_image
from utils.errors import Conflict, Forbidden, ValidationFailed
from utils.rate_limit import enforce_setting
from utils.redis_client import get_redis
from utils.text import escape_search, sanitize_text
from utils.time import utcnow

MAX_PICTURE_CHARS = 3_000_000
FOREVER = timedelta(days=365 * 100)


# ----- output (§11.4) -----

def room_view(room, user=None):
    members = ChatRoomMember.find({"room_id": room["_id"]}, limit=1000,
                                  projection={"user_id": 1, "role": 1, "muted_until": 1})
    owner = User.get(room["owner_id"], include_deleted=True, projection={"username": 1})
    out = ChatRoom.to_public(room)
    out.update({
        "owner": {"id": str(room["owner_id"]), "username": owner["username"] if owner else None},
        "owner_username": owner["username"] if owner else None,
        "members": [str(m["user_id"]) for m in members],
        "moderators": [str(m["user_id"]) for m in members if m["role"] == "moderator"],
    })
    mine = next((m for m in members if user is not None and m["user_id"] == user["_id"]), None)
    if user is not None and room_policy.level(room, user) >= MODERATOR:
        out["banned_users"] = [str(b["user_id"]) for b in
                               ChatRoomBan.find({"room_id": room["_id"]}, limit=1000)]
    out["user_is_member"] = mine is not None
    out["is_muted"] = bool(mine and mine.get("muted_until") and mine["muted_until"] > utcnow())
    return out


# ----- creating and listing -----

def _picture(value):
    """A picture is an https URL or an image (data URI or raw base64); None removes it."""
    if value is None or value == "":
        return None
    if len(value) > MAX_PICTURE_CHARS:
        raise ValidationFailed("Picture is too large")
    if is_https_url(value):
        return value
    if value[:8].lower().startswith(("http:", "https:", "//", "javascript:")):
        raise ValidationFailed("Picture must be an https URL or an image")
    # A data URI or bare base64 (the SPA prefixes `data:image/jpeg;base64,`): stored
    # only once Pillow has recognised an image, as profile pictures are.
    return clean_image(value, "Picture")


def _insert_room(user, name, topic_id, is_public, is_group, body, tags=()):
    room = ChatRoom.insert(
        topic_id=topic_id, name=sanitize_text(name).strip() or "Chat room",
        name_lower=name.strip().lower(), description=sanitize_text(body.description),
        owner_id=user["_id"], tags=[sanitize_text(t)[:50] for t in tags][:20],
        is_public=is_public, is_group_chat=is_group, voip_enabled=body.voip_enabled,
        picture=_picture(body.picture), background_picture=_picture(body.background_picture),
        member_count=1, last_activity=utcnow())
    ChatRoomMember.insert(room_id=room["_id"], user_id=user["_id"], role="owner")
    chat_cache.invalidate_facts(room["_id"], user["_id"])
    return room


def create_topic_room(topic_id, user, body):
    topic = topic_policy.visible_topic_or_404(topic_id, user)
    topic_policy.require_not_banned(topic["_id"], user)
    if topic_policy.is_invite_only(topic) and topic_policy.level(topic, user) == 0:
        raise Forbidden("Only topic members can create chat rooms here")
    room = _insert_room(user, body.name, topic["_id"], body.is_public, False, body, body.tags)
    Topic.collection().update_one({"_id": topic["_id"]}, {"$inc": {"conversation_count": 1}})
    return room_view(room, user)


def create_group(user, body):
    name_lower = body.name.strip().lower()
    # Unique per owner, not across everyone's groups (rest-content §14.13).
    if ChatRoom.find_one({"is_group_chat": True, "name_lower": name_lower,
                          "owner_id": user["_id"]}):
        raise Conflict("A group chat with this name already exists")
    invitees = [u for u in (User.get(i) for i in dict.fromkeys(body.invited_users))
                if u is not None and u["_id"] != user["_id"]]
    # The group's invitations count against the same budget as single invitations
    # (refused as a whole, before anything is written).
    enforce_setting("CHAT_INVITE", user["_id"], "Too many invitations", count=len(invitees))
    room = _insert_room(user, body.name, None, False, True, body)
    for invitee in invitees:
        if not is_blocked_either(user["_id"], invitee["_id"]):
            create_invitation(room, user, invitee)
    return room_view(room, user)


def list_topic_rooms(topic_id, user, search=None, tags=(), limit=50, offset=0):
    topic = topic_policy.visible_topic_or_404(topic_id, user)
    query = {"topic_id": topic["_id"], "$and": [room_policy.list_filter(user, topic)]}
    if search:
        query["name"] = {"$regex": escape_search(search), "$options": "i"}
    if tags:
        query["tags"] = {"$in": list(tags)}
    query = exclude_hidden(query, user, "chat_room")
    rooms = ChatRoom.find(query, sort=[("last_activity", DESCENDING)], skip=offset, limit=limit)
    return [room_view(room, user) for room in rooms]


def my_groups(user, limit=50, offset=0):
    # "My" groups: the listable ones the caller is a member of.
    mine = {"is_group_chat": True, "_id": {"$in": facts.of(user).rooms_in()}}
    query = exclude_hidden({"$and": [mine, room_policy.group_list_filter(user)]}, user,
                           "chat_room")
    rooms = ChatRoom.find(query, sort=[("last_activity", DESCENDING)], skip=offset, limit=limit)
    return [room_view(room, user) for room in rooms]


def get_room(room_id, user):
    """A room, only to someone who may read it (private rooms do not leak, §14.2)."""
    return room_view(room_policy.readable_room_or_404(room_id, user), user)


# ----- owner and moderator actions -----

def update_room(room_id, user, body):
    room = room_with_level(room_id, user, OWNER, "Only the owner can update the chat room")
    changes = {}
    if body.name is not None:
        changes.update(name=sanitize_text(body.name).strip(), name_lower=body.name.strip().lower())
    if body.description is not None:
        changes["description"] = sanitize_text(body.description)
    return _apply(room, user, changes, "room_update")


def set_picture(room_id, user, field, value):
    room = room_with_level(room_id, user, MODERATOR,
                            "Only the owner or moderator can update the picture")
    return _apply(room, user, {field: _picture(value)}, f"{field}_update".replace(
        "background_picture", "background"))


def update_settings(room_id, user, body):
    room = room_with_level(room_id, user, OWNER, "Only the owner can update settings")
    changes = {}
    if body.voip_enabled is not None:
        changes["voip_enabled"] = body.voip_enabled
    if body.slow_mode_seconds is not None:
        changes["settings"] = {**(room.get("settings") or {}),
                               "slow_mode_seconds": body.slow_mode_seconds}
    return _apply(room, user, changes, "settings_update")


def _apply(room, user, changes, kind):
    if changes:
        room = ChatRoom.update(room["_id"], set_=changes)
        chat_cache.invalidate_room(room["_id"])
        payload = {"room_id": str(room["_id"]), "type": kind,
                   **{name: room.get(name) for name in changes if name != "name_lower"}}
        realtime.emit("chat_room_updated", payload, room=socket_room(room["_id"]))
    return room_view(room, user)


def delete_room(room_id, user):
    room = ChatRoom.get(room_id)
    if room is None or room_policy.level(room, user) < OWNER:
        raise Forbidden("Permission denied or chat room not found")
    now = utcnow()
    # is_public is kept aside so that an admin rejecting the deletion restores it as it was
    ChatRoom.mark_deleted(room["_id"], deleted_by=user["_id"], is_public=False,
                          public_before_deletion=bool(room.get("is_public")),
                          deletion_status="pending",
                          permanent_delete_at=now + timedelta(days=7))
    chat_cache.invalidate_room(room["_id"])
    realtime.emit("chat_room_updated", {"room_id": str(room["_id"]), "type": "deleted"},
                  room=socket_room(room["_id"]))


def approve_deletion(room_id):
    """Admin approval of a pending deletion; the room stays gone. None if not pending."""
    approved = ChatRoom.approve_pending_deletion(room_id)
    chat_cache.invalidate_room(room_id)
    return approved


def restore_deletion(room_id, **extra_fields):
    """Admin rejection of a pending deletion: the room is back, as public as it was."""
    room = ChatRoom.get(room_id, include_deleted=True)
    if room is None:
        return None
    was_public = room.get("public_before_deletion", not room.get("is_group_chat"))
    restored = ChatRoom.restore_pending_deletion(room["_id"], is_public=bool(was_public),
                                                 **extra_fields)
    chat_cache.invalidate_room(room["_id"])
    if restored is not None:
        realtime.emit("chat_room_updated", {"room_id": str(room["_id"]), "type": "restored"},
                      room=socket_room(room["_id"]))
    return restored


# ----- membership -----

def join(room_id, user):
    room = ChatRoom.get_or_404(room_id)
    if room_policy.is_banned(room["_id"], user["_id"]):
        raise Forbidden("You are banned from this chat room")
    if room_policy.is_topic_banned(room, user):
        raise Forbidden("You are banned from this topic")
    if get_redis().exists(kick_key(room["_id"], user["_id"])):
        raise Forbidden("You were removed from this chat room")
    if room_policy.is_member(room["_id"], user["_id"]):
        return room
    if not room.get("is_public") or room.get("is_group_chat"):
        raise Forbidden("This chat room is private: accept an invitation to join")
    if not room_policy.can_read(room, user):
        raise Forbidden("You cannot join this chat room")
    add_member(room, user["_id"])
    return room


def leave(room_id, user):
    room = ChatRoom.get_or_404(room_id)
    if room_policy.level(room, user) == OWNER:
        raise ValidationFailed("Failed to leave chat room or you are the owner")
    if not remove_member(room, user["_id"]):
        raise ValidationFailed("Failed to leave chat room or you are the owner")
    evict_sockets(room["_id"], user["_id"])


def members(room_id, user, limit=100, offset=0):
    room = room_policy.readable_room_or_404(room_id, user)
    rows = ChatRoomMember.find({"room_id": room["_id"]}, skip=offset, limit=limit)
    users = {u["_id"]: u for u in User.find(
        {"_id": {"$in": [row["user_id"] for row in rows]}},
        projection={"username": 1, "profile_picture": 1, "is_admin": 1, "display_name": 1})}
    out = [{"id": str(row["user_id"]), "username": users[row["user_id"]]["username"],
            "display_name": users[row["user_id"]].get("display_name"),
            "profile_picture": users[row["user_id"]].get("profile_picture"),
            "is_admin": bool(users[row["user_id"]].get("is_admin")),
            "is_owner": row["role"] == "owner", "is_moderator": row["role"] == "moderator"}
           for row in rows if row["user_id"] in users]
    return sorted(out, key=lambda m: m["username"].lower()), room.get("member_count", len(out))


def mute(room_id, user, minutes):
    room = ChatRoom.get_or_404(room_id)
    member = room_policy.membership(room["_id"], user["_id"])
    if member is None:
        raise Forbidden("You are not a member of this chat room")
    until = None if minutes == 0 else utcnow() + (FOREVER if minutes < 0
                                                  else timedelta(minutes=minutes))
    ChatRoomMember.update(member["_id"], set_={"muted_until": until})


