"""Chat rooms and group chats: who may read, post in, moderate and list them
(rest-content §2.2). This is the one answer to "who may post in this room?":
`can_write` / `check_write` below.

- A room ban refuses everything; so does a ban from the room's topic (it
  covers every room of the topic, public or private).
- A public topic room: anyone signed in who may see its topic reads and posts.
- A private room or a group chat: members only; an admin may read (not post).
Everything is decided from the caller's facts (policies/facts.py).
"""
from models.base import parse_id
from models.chat_room import MODERATOR, NONE, OWNER, ROLE_LEVEL, ChatRoom, ChatRoomMember
from models.topic import Topic
from policies import documents, facts
from policies import topic as topic_policy
from utils.errors import Forbidden, NotFound



def is_open(room):
    """A public room of a topic (group chats are never open)."""
    return bool(room.get("is_public")) and not room.get("is_group_chat")


def role(room, user):
    return None if user is None else facts.of(user).room_role(room["_id"])


def level(room, user):
    return ROLE_LEVEL.get(role(room, user), NONE)


def is_member(room_id, user_id):
    return user_id is not None and facts.for_id(user_id).room_role(room_id) is not None


def is_banned(room_id, user_id):
    return user_id is not None and facts.for_id(user_id).room_banned(room_id)


def is_topic_banned(room, user):
    return user is not None and facts.of(user).topic_banned(room.get("topic_id"))


def topic_visible(room, user):
    """May `user` see the topic of this room?"""
    topic_id = room.get("topic_id")
    if topic_id is None:
        return True
    # Read even for members: a deleted topic hides its open rooms from everyone (the
    # cached document is dropped by every topic write: policies/documents.py).
    topic = documents.topic(topic_id)
    return topic is not None and topic_policy.can_view(topic, user)


def refusal(room, user):
    """Why `user` may not post in `room` (None when they may)."""
    if user is None:
        return "You are not a member of this chat room"
    if is_banned(room["_id"], user["_id"]):
        return "You are banned from this chat room"
    if is_topic_banned(room, user):
        return "You are banned from this topic"
    allowed = topic_visible(room, user) if is_open(room) else role(room, user) is not None
    return None if allowed else "You are not a member of this chat room"


def can_write(room, user):
    """Who may post in this room."""
    return refusal(room, user) is None


def check_write(room, user):
    """The caller's role in `room` if they may post there; Forbidden with the reason otherwise."""
    reason = refusal(room, user)
    if reason is not None:
        raise Forbidden(reason)
    return role(room, user)


def can_read(room, user):
    """May `user` read this room's history and receive its live events?"""
    if user is None or is_banned(room["_id"], user["_id"]) or is_topic_banned(room, user):
        return False
    if is_open(room):
        return topic_visible(room, user)
    return role(room, user) is not None or topic_policy.is_admin(user)


can_view = can_read


def can_moderate(room, user):
    return topic_policy.is_admin(user) or level(room, user) >= MODERATOR


def has_level(room, user, minimum):
    """Owner/moderator actions: the caller's level in the room reaches `minimum`, or an admin."""
    return topic_policy.is_admin(user) or level(room, user) >= minimum


def can_delete_message(doc, user, place_level):
    """A room or topic-chat message: its author, a moderator or owner of its room (or
    topic: `place_level` is the caller's level there), or an admin."""
    return (doc["user_id"] == user["_id"] or topic_policy.is_admin(user)
            or place_level >= MODERATOR)


def deletion_needs_reason(doc, user, place_level):
    """An owner removing someone else's message says why (the contract's rule)."""
    return (place_level >= OWNER and doc["user_id"] != user["_id"]
            and not topic_policy.is_admin(user))


def list_filter(user, topic=None):
    """The MongoDB filter of the rooms `user` may list: exactly those `can_read` passes.

    With `topic` (already known visible to the caller) the filter is about that
    topic's rooms and needs no topic read; without it (the slow path, for checks)
    the invisible topics are looked up once.
    """
    if user is None:
        return {"_id": {"$in": []}}
    mine = facts.of(user)
    open_rooms = {"is_public": True, "is_group_chat": {"$ne": True}}
    if topic is None:
        open_rooms["topic_id"] = {"$nin": _invisible_topics(user, mine)}
    closed = {"$or": [{"is_public": False}, {"is_group_chat": True}]}
    if not topic_policy.is_admin(user):
        closed = {"$and": [closed, {"_id": {"$in": mine.rooms_in()}}]}
    return {"$and": [{"_id": {"$nin": mine.banned_rooms()}},
                     {"topic_id": {"$nin": mine.banned_topics()}},
                     {"$or": [open_rooms, closed]}]}


def group_list_filter(user):
    """The group chats `user` may list: `list_filter` narrowed to groups (no topic read)."""
    if user is None:
        return {"_id": {"$in": []}}
    mine = facts.of(user)
    member = {} if topic_policy.is_admin(user) else {"_id": {"$in": mine.rooms_in()}}
    return {"$and": [{"is_group_chat": True, **member},
                     {"_id": {"$nin": mine.banned_rooms()}}]}


def _invisible_topics(user, mine):
    query = {"is_deleted": True}
    if not topic_policy.is_admin(user):
        query = {"$or": [query, {"settings.require_approval": True,
                                 "_id": {"$nin": mine.invite_only_topics()}}]}
    return [t["_id"] for t in Topic.collection().find(query, {"_id": 1})]


# ----- the checks routes and services call -----

def membership(room_id, user_id):
    """The membership document of any user (moderation targets); callers' checks use facts."""
    if user_id is None:
        return None
    return ChatRoomMember.find_one({"room_id": parse_id(room_id), "user_id": parse_id(user_id)})


def readable_room_or_404(room_id, user):
    """The room if it exists; 404 when unknown, 403 when the caller may not read it."""
    room = ChatRoom.get(room_id)
    if room is None:
        raise NotFound("Chat room not found")
    check_read(room, user)
    return room


def check_read(room, user):
    if not can_read(room, user):
        raise Forbidden("You are not a member of this chat room")
