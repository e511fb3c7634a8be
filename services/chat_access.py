"""Who may see and act in a chat room (rest-content §2.2), checked in one place.

Public rooms: any signed-in user may join and read. Private rooms (and group
chats): members only, for history too. Bans refuse everything.
"""
from models.base import parse_id
from models.chat_room import NONE, ROLE_LEVEL, ChatRoom, ChatRoomBan, ChatRoomMember
from utils.errors import Forbidden, NotFound


def membership(room_id, user_id):
    if user_id is None:
        return None
    return ChatRoomMember.find_one({"room_id": parse_id(room_id), "user_id": parse_id(user_id)})


def is_member(room_id, user_id):
    return membership(room_id, user_id) is not None


def permission_level(room, user):
    if user is None:
        return NONE
    member = membership(room["_id"], user["_id"])
    return ROLE_LEVEL.get(member["role"], NONE) if member else NONE


def is_banned(room_id, user_id):
    if user_id is None:
        return False
    return ChatRoomBan.find_one({"room_id": parse_id(room_id), "user_id": parse_id(user_id)}) is not None


def can_read(room, user):
    """May `user` read this room's history and receive its live events?"""
    if user is None or is_banned(room["_id"], user["_id"]):
        return False
    if is_topic_banned(room, user):
        return False
    if room.get("is_public") and not room.get("is_group_chat"):
        return _topic_visible(room, user)
    return is_member(room["_id"], user["_id"]) or bool(user.get("is_admin"))


def is_topic_banned(room, user):
    """A topic ban covers every chat room of the topic (public or private)."""
    if user is None or room.get("topic_id") is None:
        return False
    from services.topic_access import is_banned as topic_banned

    return topic_banned(room["topic_id"], user["_id"])


def _topic_visible(room, user):
    if room.get("topic_id") is None:
        return True
    from services.topic_access import can_view
    from models.topic import Topic

    topic = Topic.get(room["topic_id"])
    return topic is not None and can_view(topic, user)


def readable_room_or_404(room_id, user):
    """The room if it exists; 404 when unknown, 403 when the caller may not read it."""
    room = ChatRoom.get(room_id)
    if room is None:
        raise NotFound("Chat room not found")
    if not can_read(room, user):
        raise Forbidden("You are not a member of this chat room")
    return room
