"""Voice calls: where a user may start, join or look up a call, and who ends it.

A group call lives in a chat room: members only (not banned), with voip on.
A direct call lives in a conversation (`room_id` = the two user ids sorted and
joined with "_"): its two sides only, no block either way. The creator ends a
call; in a room, so do its owner and moderators.
"""
from models.base import parse_id
from models.chat_room import ChatRoom
from models.user import User
from policies import room as room_policy
from policies.blocks import is_blocked_either
from utils.errors import Forbidden, NotFound


def check_direct(me, ids):
    """(canonical room id, the other user's id) of a direct call `me` may join."""
    if len(set(ids)) != 2 or me not in ids:
        raise Forbidden("You are not part of this conversation")
    other = ids[1] if ids[0] == me else ids[0]
    if User.get(other) is None:
        raise NotFound("User not found")
    if is_blocked_either(me, other):
        raise Forbidden("You cannot call this user")
    return "_".join(sorted(ids)), other


def check_group(user, room_id):
    """The room of a group call `user` may join."""
    room = ChatRoom.get(room_id)
    if room is None:
        raise NotFound("Chat room not found")
    if room_policy.is_banned(room["_id"], user["_id"]):
        raise Forbidden("You are banned from this chat room")
    if not room_policy.is_member(room["_id"], user["_id"]):
        raise Forbidden("You are not a member of this chat room")
    if not room.get("voip_enabled", True):
        raise Forbidden("Voice calls are disabled in this chat room")
    return room


def can_end(call, user):
    if call["created_by"] == user["_id"]:
        return True
    if call["room_type"] != "group":
        return False
    member = room_policy.membership(parse_id(call["room_id"]), user["_id"])
    return member is not None and member["role"] in ("owner", "moderator")
