"""Chat-room membership primitives, below the room, moderation and invitation
services that all use them: add or remove a member (keeping the member count and
the user's policy facts right), take a user's sockets out of a room, the
moderator check of owner/moderator actions."""
from pymongo.errors import DuplicateKeyError

from extensions import socketio
from models.base import parse_id
from models.chat_room import ChatRoom, ChatRoomMember
from policies import room as room_policy
from services import chat_cache, presence, realtime
from utils.errors import Forbidden
from utils.redis_client import key
from utils.time import utcnow


def socket_room(room_id):
    return f"chat_room_{room_id}"


def room_with_level(room_id, user, minimum, message):
    room = ChatRoom.get_or_404(room_id)
    if not room_policy.has_level(room, user, minimum):
        raise Forbidden(message)
    return room


def add_member(room, user_id, role="member", added_by=None):
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


def remove_member(room, user_id):
    removed = ChatRoomMember.collection().delete_one(
        {"room_id": room["_id"], "user_id": parse_id(user_id)}).deleted_count
    chat_cache.invalidate_facts(room["_id"], user_id)
    if removed:
        ChatRoom.collection().update_one({"_id": room["_id"]}, {"$inc": {"member_count": -1}})
    return bool(removed)


def kick_key(room_id, user_id):
    return key("kicked", room_id, user_id)


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
        if remove_member(room, user_id):
            evict_sockets(row["room_id"], user_id)


def evict_sockets(room_id, user_id):
    """Take every socket of `user_id` out of the room (any process, via the queue)."""
    server = socketio.server
    if server is None:
        return
    for sid in presence.sockets_of_user(str(user_id)):
        server.leave_room(sid, socket_room(room_id), namespace="/")
    realtime.emit_to_user(user_id, "chat_room_left", {"room_id": str(room_id)})
