"""Owner and moderator actions on chat-room members: kick (with a cool-down before
they may rejoin), ban, unban, add and remove moderators. Each takes the target's
sockets out of the room at once."""
from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.chat_room import MODERATOR, OWNER, ChatRoomBan, ChatRoomMember
from models.user import User
from policies import room as room_policy
from services import chat_cache
from services.chat_room_members import (evict_sockets, kick_key, remove_member,
                                        room_with_level)
from utils.errors import Forbidden, NotFound
from utils.redis_client import get_redis

KICK_COOLDOWN_SECONDS = 15 * 60


def _target(room, actor, target_id):
    target = User.get(target_id)
    if target is None:
        raise NotFound("User not found")
    if target["_id"] == room["owner_id"] or target["_id"] == actor["_id"]:
        raise Forbidden("Permission denied, cannot kick owner, or user not found")
    return target


def kick(room_id, actor, target_id):
    room = room_with_level(room_id, actor, MODERATOR,
                            "Permission denied, cannot kick owner, or user not found")
    target = _target(room, actor, target_id)
    if not remove_member(room, target["_id"]):
        raise Forbidden("Permission denied, cannot kick owner, or user not found")
    get_redis().set(kick_key(room["_id"], target["_id"]), "1", ex=KICK_COOLDOWN_SECONDS)
    evict_sockets(room["_id"], target["_id"])


def ban(room_id, actor, target_id):
    room = room_with_level(room_id, actor, MODERATOR, "Permission denied")
    target = _target(room, actor, target_id)
    try:
        ChatRoomBan.insert(room_id=room["_id"], user_id=target["_id"], banned_by=actor["_id"])
    except DuplicateKeyError:
        pass
    chat_cache.invalidate_facts(room["_id"], target["_id"])
    remove_member(room, target["_id"])
    evict_sockets(room["_id"], target["_id"])


def unban(room_id, actor, target_id):
    room = room_with_level(room_id, actor, MODERATOR, "Permission denied")
    target = User.get_or_404(target_id, "User not found")
    ChatRoomBan.collection().delete_one({"room_id": room["_id"], "user_id": target["_id"]})
    chat_cache.invalidate_facts(room["_id"], target["_id"])


def add_moderator(room_id, actor, target_id):
    room = room_with_level(room_id, actor, OWNER, "Permission denied")
    target = User.get_or_404(target_id, "User not found")
    member = room_policy.membership(room["_id"], target["_id"])
    if member is None or member["role"] != "member":
        raise Forbidden("Permission denied or user is not a plain member")
    ChatRoomMember.update(member["_id"], set_={"role": "moderator"})
    chat_cache.invalidate_facts(room["_id"], target["_id"])


def remove_moderator(room_id, actor, target_id):
    room = room_with_level(room_id, actor, OWNER, "Permission denied")
    member = room_policy.membership(room["_id"], parse_id(target_id))
    if member is None or member["role"] != "moderator":
        raise Forbidden("Permission denied or user is not a moderator")
    ChatRoomMember.update(member["_id"], set_={"role": "member"})
    chat_cache.invalidate_facts(room["_id"], member["user_id"])
