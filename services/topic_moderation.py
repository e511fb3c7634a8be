"""Moderators, bans and ownership transfer (rest-content §3.8-3.9).

Unlike the contract's server: targets must exist, nobody bans the owner,
only the owner bans a moderator, and a ban removes membership exactly once.
"""
from pymongo.errors import DuplicateKeyError

from extensions import socketio
from models.base import parse_id
from models.post import Post
from models.topic import MODERATOR, OWNER, Topic, TopicBan, TopicMember
from models.topic_invitation import TopicInvitation
from models.user import User
from policies import facts
from policies.topic import is_banned, require_level, visible_topic_or_404
from policies.topic import level as permission_level
from services import chat_cache, presence
from services.chat_room_members import remove_from_topic_rooms
from services.content_cache import invalidate_topic
from services.topic_members import add_member, moderators_of
from utils.errors import Forbidden, ValidationFailed
from utils.time import utcnow

MOD_PERMISSIONS = ("delete_messages", "ban_users", "timeout_users")


def _target(user_id, message="Permission denied or user not found"):
    user = User.get(user_id)
    if user is None:
        raise Forbidden(message)
    return user


def list_moderators(topic_id, user):
    topic = visible_topic_or_404(topic_id, user)
    return moderators_of(topic["_id"])


def add_moderator(topic_id, actor, user_id, permissions=None):
    topic = visible_topic_or_404(topic_id, actor)
    require_level(topic, actor, OWNER, "Permission denied or user not found")
    target = _target(user_id)
    if is_banned(topic["_id"], target["_id"]) or permission_level(topic, target) == OWNER:
        raise Forbidden("Permission denied or user not found")
    chosen = [p for p in (permissions if permissions is not None else
                          ["delete_messages", "ban_users"]) if p in MOD_PERMISSIONS]
    add_member(topic, target["_id"], role="moderator", added_by=actor["_id"],
               permissions=chosen or ["delete_messages"])
    invalidate_topic(topic["_id"])
    return True


def remove_moderator(topic_id, actor, moderator_id):
    topic = visible_topic_or_404(topic_id, actor)
    require_level(topic, actor, OWNER)
    changed = TopicMember.collection().update_one(
        {"topic_id": topic["_id"], "user_id": parse_id(moderator_id), "role": "moderator"},
        {"$set": {"role": "member", "permissions": [], "updated_at": utcnow()}}).modified_count
    if not changed:
        raise Forbidden("Permission denied or moderator not found")
    facts.invalidate(moderator_id)
    invalidate_topic(topic["_id"])
    return True


def ban_user(topic_id, actor, user_id, reason=""):
    topic = visible_topic_or_404(topic_id, actor)
    actor_level = require_level(topic, actor, MODERATOR)
    target = _target(user_id)
    target_level = permission_level(topic, target)
    if str(target["_id"]) == str(actor["_id"]) or target_level == OWNER or \
            (target_level == MODERATOR and actor_level < OWNER):
        raise Forbidden("Permission denied")
    try:
        TopicBan.insert(topic_id=topic["_id"], user_id=target["_id"],
                        banned_by=parse_id(actor["_id"]), reason=reason or "")
    except DuplicateKeyError:
        raise ValidationFailed("User is already banned from this topic") from None
    chat_cache.invalidate_topic_facts(topic["_id"], target["_id"])  # its rooms' send checks
    removed = TopicMember.collection().delete_one(
        {"topic_id": topic["_id"], "user_id": target["_id"]}).deleted_count
    if removed:
        Topic.update(topic["_id"], extra={"$inc": {"member_count": -1}})
    TopicInvitation.collection().update_many(
        {"topic_id": topic["_id"], "invited_user_id": target["_id"], "status": "pending"},
        {"$set": {"status": "declined", "updated_at": utcnow()}})
    facts.invalidate(target["_id"])  # membership, invitation and ban (and its rooms' checks)
    invalidate_topic(topic["_id"])
    evict_from_topic_rooms(target["_id"], topic["_id"])
    remove_from_topic_rooms(topic["_id"], target["_id"])
    return True


def evict_from_topic_rooms(user_id, topic_id):
    """Take the banned user's sockets out of the topic's room (on any process,
    through the message queue) and out of its posts' rooms, so live events stop
    at once, not at their next join. Post rooms are known only for the sockets
    this process holds; elsewhere every later join_post is refused anyway."""
    server = socketio.server
    if server is None:
        return
    for sid in presence.sockets_of_user(user_id):
        server.leave_room(sid, f"topic_{topic_id}", namespace="/")
        try:
            rooms = server.rooms(sid, namespace="/")
        except (KeyError, ValueError):
            continue  # held by another process or already gone
        post_ids = [parse_id(room[len("post_"):]) for room in rooms if room.startswith("post_")]
        posts = Post.by_ids([p for p in post_ids if p], projection={"topic_id": 1})
        for post in posts:
            if post["topic_id"] == topic_id:
                server.leave_room(sid, f"post_{post['_id']}", namespace="/")


def evict_non_members(topic):
    """A topic just turned invite-only: sockets listening to it whose user is not
    a member stop receiving its events. Only the sockets this process holds can
    be listed (Socket.IO keeps no cross-process room roster); sockets held by
    other processes are refused at their next join_topic, which needs membership."""
    server = socketio.server
    if server is None:
        return
    sids = [sid for sid, _eio in server.manager.get_participants("/", f"topic_{topic['_id']}")]
    owners = {presence.socket_owner(sid) for sid in sids}
    for user_id in filter(None, owners):
        if permission_level(topic, {"_id": parse_id(user_id)}) == 0:
            evict_from_topic_rooms(user_id, topic["_id"])


def unban_user(topic_id, actor, user_id):
    topic = visible_topic_or_404(topic_id, actor)
    require_level(topic, actor, MODERATOR)
    oid = parse_id(user_id)
    if oid is None or not TopicBan.collection().delete_one(
            {"topic_id": topic["_id"], "user_id": oid}).deleted_count:
        raise ValidationFailed("User is not banned from this topic")
    invalidate_topic(topic["_id"])
    chat_cache.invalidate_topic_facts(topic["_id"], oid)
    return True


def transfer_ownership(topic_id, actor, user_id):
    topic = visible_topic_or_404(topic_id, actor)
    require_level(topic, actor, OWNER)
    target = _target(user_id)
    if str(target["_id"]) == str(actor["_id"]) or is_banned(topic["_id"], target["_id"]):
        raise Forbidden("Permission denied or user not found")
    add_member(topic, target["_id"], role="owner", added_by=actor["_id"])
    TopicMember.collection().update_one({"topic_id": topic["_id"], "user_id": parse_id(actor["_id"])},
                                        {"$set": {"role": "member", "permissions": []}})
    facts.invalidate(actor["_id"])
    Topic.update(topic["_id"], set_={"owner_id": target["_id"]})
    invalidate_topic(topic["_id"])
    return True


