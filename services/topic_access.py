"""Who may see and act in a topic (rest-content §2.1), checked in one place.

Levels: 3 owner, 2 moderator, 1 member, 0 anyone else. Invite-only topics
(`settings.require_approval`) are invisible to level 0 unless invited: every
route that reaches a topic (list, get, posts, comments, rooms, join, sockets)
goes through `visible_topic_or_404`.
"""
from models.base import parse_id
from models.topic import NONE, ROLE_LEVEL, Topic, TopicBan, TopicMember
from utils.errors import Forbidden, NotFound


def is_invite_only(topic):
    return bool((topic.get("settings") or {}).get("require_approval"))


def membership(topic_id, user_id):
    if user_id is None:
        return None
    return TopicMember.find_one({"topic_id": parse_id(topic_id), "user_id": parse_id(user_id)})


def permission_level(topic, user):
    """The caller's level in `topic` (0 for anonymous callers)."""
    if user is None:
        return NONE
    member = membership(topic["_id"], user["_id"])
    return ROLE_LEVEL.get(member["role"], NONE) if member else NONE


def is_banned(topic_id, user_id):
    if user_id is None:
        return False
    return TopicBan.find_one({"topic_id": parse_id(topic_id), "user_id": parse_id(user_id)}) is not None


def has_pending_invitation(topic_id, user_id):
    """Invitations are stored by the topics service in `topic_invitations`."""
    from flask import current_app

    if user_id is None:
        return False
    db = current_app.extensions["mongo_db"]
    return db.topic_invitations.find_one({"topic_id": parse_id(topic_id),
                                          "invited_user_id": parse_id(user_id),
                                          "status": "pending"}) is not None


def can_view(topic, user, level=None):
    if not is_invite_only(topic):
        return True
    if user is not None and user.get("is_admin"):
        return True
    level = permission_level(topic, user) if level is None else level
    return level > NONE or (user is not None and has_pending_invitation(topic["_id"], user["_id"]))


def visible_topic_or_404(topic_id, user):
    """The topic, if it exists and the caller may see it; 404 otherwise (no leak)."""
    topic = Topic.get(topic_id)
    if topic is None or not can_view(topic, user):
        raise NotFound("Topic not found")
    return topic


def require_level(topic, user, minimum, message="Permission denied"):
    level = permission_level(topic, user)
    if level < minimum:
        raise Forbidden(message)
    return level


def require_not_banned(topic_id, user):
    if is_banned(topic_id, user["_id"]):
        raise Forbidden("You are banned from this topic")
