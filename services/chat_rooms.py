"""Chat rooms: topic rooms and group chats, membership, moderation, invitations.

Every rule of rest-content §6 lives here; routes only parse and shape. Public
rooms: any signed-in user may join and read. Private rooms and group chats:
members only (history too). Bans and kicks also take the user's sockets out
of the room's Socket.IO room, on whichever process they are connected.
"""
from datetime import timedelta

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from extensions import socketio
from models.base import parse_id
from models.chat_room import MODERATOR, OWNER, ChatRoom, ChatRoomBan, ChatRoomMember
from models.chat_room_invitation import ChatRoomInvitation
from models.topic import Topic
from models.user import User
from schemas import is_https_url
from policies import facts
from policies import room as room_policy
from services import chat_access, chat_cache, presence, realtime, topic_access
from services.blocks import is_blocked, is_blocked_either
from policies.lists import exclude_hidden
from services.images import clean_image
from utils.errors import Conflict, Forbidden, NotFound, ValidationFailed
from utils.rate_limit import enforce_setting
from utils.redis_client import get_redis, key
from utils.text import escape_search, sanitize_text
from utils.time import utcnow

KICK_COOLDOWN_SECONDS = 15 * 60
MAX_PICTURE_CHARS = 3_000_000
FOREVER = timedelta(days=365 * 100)


def socket_room(room_id):
    return f"chat_room_{room_id}"


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
    if user is not None and chat_access.permission_level(room, user) >= MODERATOR:
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
    topic = topic_access.visible_topic_or_404(topic_id, user)
    topic_access.require_not_banned(topic["_id"], user)
    if topic_access.is_invite_only(topic) and topic_access.permission_level(topic, user) == 0:
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
            _create_invitation(room, user, invitee)
    return room_view(room, user)


def list_topic_rooms(topic_id, user, search=None, tags=(), limit=50, offset=0):
    topic = topic_access.visible_topic_or_404(topic_id, user)
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
    return room_view(chat_access.readable_room_or_404(room_id, user), user)


# ----- owner and moderator actions -----

def _room_with_level(room_id, user, minimum, message):
    room = ChatRoom.get_or_404(room_id)
    if chat_access.permission_level(room, user) < minimum and not user.get("is_admin"):
        raise Forbidden(message)
    return room


def update_room(room_id, user, body):
    room = _room_with_level(room_id, user, OWNER, "Only the owner can update the chat room")
    changes = {}
    if body.name is not None:
        changes.update(name=sanitize_text(body.name).strip(), name_lower=body.name.strip().lower())
    if body.description is not None:
        changes["description"] = sanitize_text(body.description)
    return _apply(room, user, changes, "room_update")


def set_picture(room_id, user, field, value):
    room = _room_with_level(room_id, user, MODERATOR,
                            "Only the owner or moderator can update the picture")
    return _apply(room, user, {field: _picture(value)}, f"{field}_update".replace(
        "background_picture", "background"))


def update_settings(room_id, user, body):
    room = _room_with_level(room_id, user, OWNER, "Only the owner can update settings")
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
    if room is None or chat_access.permission_level(room, user) < OWNER:
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

def _add_member(room, user_id, role="member", added_by=None):
    """Insert a membership (once); True when it is new."""
    try:
        ChatRoomMember.insert(room_id=room["_id"], user_id=parse_id(user_id), role=role,
                              added_by=added_by)
    except DuplicateKeyError:
        return False
    chat_cache.invalidate_facts(room["_id"], user_id)
    ChatRoom.collection().update_one({"_id": room["_id"]},
                                     {"$inc": {"member_count": 1},
                                      "$set": {"last_activity": utcnow()}})
    return True


def _remove_member(room, user_id):
    removed = ChatRoomMember.collection().delete_one(
        {"room_id": room["_id"], "user_id": parse_id(user_id)}).deleted_count
    chat_cache.invalidate_facts(room["_id"], user_id)
    if removed:
        ChatRoom.collection().update_one({"_id": room["_id"]}, {"$inc": {"member_count": -1}})
    return bool(removed)


def _kick_key(room_id, user_id):
    return key("kicked", room_id, user_id)


def join(room_id, user):
    room = ChatRoom.get_or_404(room_id)
    if chat_access.is_banned(room["_id"], user["_id"]):
        raise Forbidden("You are banned from this chat room")
    if chat_access.is_topic_banned(room, user):
        raise Forbidden("You are banned from this topic")
    if get_redis().exists(_kick_key(room["_id"], user["_id"])):
        raise Forbidden("You were removed from this chat room")
    if chat_access.is_member(room["_id"], user["_id"]):
        return room
    if not room.get("is_public") or room.get("is_group_chat"):
        raise Forbidden("This chat room is private: accept an invitation to join")
    if not chat_access.can_read(room, user):
        raise Forbidden("You cannot join this chat room")
    _add_member(room, user["_id"])
    return room


def leave(room_id, user):
    room = ChatRoom.get_or_404(room_id)
    if chat_access.permission_level(room, user) == OWNER:
        raise ValidationFailed("Failed to leave chat room or you are the owner")
    if not _remove_member(room, user["_id"]):
        raise ValidationFailed("Failed to leave chat room or you are the owner")
    evict_sockets(room["_id"], user["_id"])


def members(room_id, user, limit=100, offset=0):
    room = chat_access.readable_room_or_404(room_id, user)
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


def remove_from_topic_rooms(topic_id, user_id):
    """A topic ban: drop the user's memberships in the topic's rooms (not a room
    they own: ownership stays, and can_read refuses them anyway) and take their
    sockets out of those rooms."""
    room_ids = [row["_id"] for row in ChatRoom.find({"topic_id": parse_id(topic_id)},
                                                    limit=5000, projection={"_id": 1})]
    if not room_ids:
        return
    rows = ChatRoomMember.find({"room_id": {"$in": room_ids}, "user_id": parse_id(user_id),
                                "role": {"$ne": "owner"}}, limit=5000,
                               projection={"room_id": 1})
    for row in rows:
        room = {"_id": row["room_id"]}
        if _remove_member(room, user_id):
            evict_sockets(row["room_id"], user_id)


def evict_sockets(room_id, user_id):
    """Take every socket of `user_id` out of the room (any process, via the queue)."""
    server = socketio.server
    if server is None:
        return
    for sid in presence.sockets_of_user(str(user_id)):
        server.leave_room(sid, socket_room(room_id), namespace="/")
    realtime.emit_to_user(user_id, "chat_room_left", {"room_id": str(room_id)})


def _target(room, actor, target_id):
    target = User.get(target_id)
    if target is None:
        raise NotFound("User not found")
    if target["_id"] == room["owner_id"] or target["_id"] == actor["_id"]:
        raise Forbidden("Permission denied, cannot kick owner, or user not found")
    return target


def kick(room_id, actor, target_id):
    room = _room_with_level(room_id, actor, MODERATOR,
                            "Permission denied, cannot kick owner, or user not found")
    target = _target(room, actor, target_id)
    if not _remove_member(room, target["_id"]):
        raise Forbidden("Permission denied, cannot kick owner, or user not found")
    get_redis().set(_kick_key(room["_id"], target["_id"]), "1", ex=KICK_COOLDOWN_SECONDS)
    evict_sockets(room["_id"], target["_id"])


def ban(room_id, actor, target_id):
    room = _room_with_level(room_id, actor, MODERATOR, "Permission denied")
    target = _target(room, actor, target_id)
    try:
        ChatRoomBan.insert(room_id=room["_id"], user_id=target["_id"], banned_by=actor["_id"])
    except DuplicateKeyError:
        pass
    chat_cache.invalidate_facts(room["_id"], target["_id"])
    _remove_member(room, target["_id"])
    evict_sockets(room["_id"], target["_id"])


def unban(room_id, actor, target_id):
    room = _room_with_level(room_id, actor, MODERATOR, "Permission denied")
    target = User.get_or_404(target_id, "User not found")
    ChatRoomBan.collection().delete_one({"room_id": room["_id"], "user_id": target["_id"]})
    chat_cache.invalidate_facts(room["_id"], target["_id"])


def add_moderator(room_id, actor, target_id):
    room = _room_with_level(room_id, actor, OWNER, "Permission denied")
    target = User.get_or_404(target_id, "User not found")
    member = chat_access.membership(room["_id"], target["_id"])
    if member is None or member["role"] != "member":
        raise Forbidden("Permission denied or user is not a plain member")
    ChatRoomMember.update(member["_id"], set_={"role": "moderator"})
    chat_cache.invalidate_facts(room["_id"], target["_id"])


def remove_moderator(room_id, actor, target_id):
    room = _room_with_level(room_id, actor, OWNER, "Permission denied")
    member = chat_access.membership(room["_id"], parse_id(target_id))
    if member is None or member["role"] != "moderator":
        raise Forbidden("Permission denied or user is not a moderator")
    ChatRoomMember.update(member["_id"], set_={"role": "member"})
    chat_cache.invalidate_facts(room["_id"], member["user_id"])


def mute(room_id, user, minutes):
    room = ChatRoom.get_or_404(room_id)
    member = chat_access.membership(room["_id"], user["_id"])
    if member is None:
        raise Forbidden("You are not a member of this chat room")
    until = None if minutes == 0 else utcnow() + (FOREVER if minutes < 0
                                                  else timedelta(minutes=minutes))
    ChatRoomMember.update(member["_id"], set_={"muted_until": until})


# ----- invitations (§6.14, §11.12) -----

def invite(room_id, actor, ref):
    room = _room_with_level(room_id, actor, MODERATOR, "Permission denied")
    enforce_setting("CHAT_INVITE", actor["_id"], "Too many invitations")
    if room.get("is_public") and not room.get("is_group_chat"):
        raise ValidationFailed("Invitations are only for private chat rooms")
    target = _find_user(ref)
    if chat_access.is_member(room["_id"], target["_id"]):
        raise ValidationFailed("User is already a member of this chat room")
    if ChatRoomInvitation.find_one({"room_id": room["_id"], "invited_user_id": target["_id"],
                                    "status": "pending"}):
        raise ValidationFailed("User already has a pending invitation to this chat room")
    if is_blocked(target["_id"], actor["_id"]):
        raise Forbidden("You cannot invite this user")
    _create_invitation(room, actor, target)


def _find_user(ref):
    target = None
    if ref.user_id:
        target = User.get(ref.user_id)
    elif ref.username:
        target = User.by_username(ref.username)
    if target is None:
        raise NotFound("User not found")
    return target


def _create_invitation(room, actor, target):
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
    if room is None or chat_access.is_banned(room["_id"], user["_id"]) or \
            chat_access.is_topic_banned(room, user):
        raise ValidationFailed("Failed to accept invitation")
    _add_member(room, user["_id"], added_by=row["invited_by"])
    ChatRoomInvitation.update(row["_id"], set_={"status": "accepted"})
    realtime.emit("chat_room_invitation_accepted",
                  {"room_id": str(room["_id"]), "user_id": str(user["_id"])},
                  room=socket_room(room["_id"]))


def decline_invitation(invitation_id, user):
    row = _pending_invitation(invitation_id, user, "Failed to decline invitation")
    ChatRoomInvitation.update(row["_id"], set_={"status": "declined"})
