"""Topics: who may view, write in, moderate and list them (rest-content §2.1).

Levels: 3 owner, 2 moderator, 1 member, 0 anyone else. An invite-only topic
(`settings.require_approval`) is visible to its members, to users with a
pending invitation and to admins; writing in it needs membership; a topic ban
refuses every write (and every chat room of the topic). Everything is decided
from the caller's facts (policies/facts.py), never from a query of its own.
"""
from models.topic import MODERATOR, NONE, OWNER, ROLE_LEVEL, Topic
from policies import documents, facts
from utils.errors import Forbidden, NotFound


def is_invite_only(topic):
    return bool((topic.get("settings") or {}).get("require_approval"))


def is_admin(user):
    return user is not None and bool(user.get("is_admin"))


def level(topic, user):
    """The caller's level in `topic` (0 for anonymous callers)."""
    if user is None:
        return NONE
    return ROLE_LEVEL.get(facts.of(user).topic_role(topic["_id"]), NONE)


def is_banned(topic_id, user_id):
    return user_id is not None and facts.for_id(user_id).topic_banned(topic_id)


def has_pending_invitation(topic_id, user_id):
    return user_id is not None and facts.for_id(user_id).is_invited(topic_id)


def can_view(topic, user, known_level=None):
    if not is_invite_only(topic) or is_admin(user):
        return True
    if user is None:
        return False
    known_level = level(topic, user) if known_level is None else known_level
    return known_level > NONE or has_pending_invitation(topic["_id"], user["_id"])


def can_write(topic, user):
    """Post, comment, chat, create a room: visible, not banned, a member if invite-only."""
    if user is None or not can_view(topic, user) or is_banned(topic["_id"], user["_id"]):
        return False
    return not is_invite_only(topic) or level(topic, user) > NONE


def can_moderate(topic, user):
    return is_admin(user) or level(topic, user) >= MODERATOR


def can_own(topic, user):
    return level(topic, user) >= OWNER


def can_delete(topic, user):
    return is_admin(user) or can_own(topic, user)


def list_filter(user):
    """The MongoDB filter of the topics `user` may list: exactly those `can_view` passes."""
    if is_admin(user):
        return {}
    return {"$or": [{"settings.require_approval": {"$ne": True}},
                    {"_id": {"$in": facts.of(user).invite_only_topics()}}]}


# ----- the checks routes and services call -----

def visible_topic_or_404(topic_id, user, fresh=False):
    """The topic, if it exists and the caller may see it; 404 otherwise (no leak).
    Read from the topic's cached document (policies/documents.py), or from MongoDB
    when `fresh`: a write reads it there (every post bumps its topic, so the cached
    copy would be a miss and a refill on every write)."""
    topic = Topic.get(topic_id) if fresh else documents.topic(topic_id)
    if topic is None or not can_view(topic, user):
        raise NotFound("Topic not found")
    return topic


def require_level(topic, user, minimum, message="Permission denied"):
    found = level(topic, user)
    if found < minimum:
        raise Forbidden(message)
    return found


def require_not_banned(topic_id, user):
    if is_banned(topic_id, user["_id"]):
        raise Forbidden("You are banned from this topic")


def writable_topic_or_403(topic_id, user, fresh=True):
    """The topic, if the caller may write in it (404 when invisible, 403 banned / not a member)."""
    topic = visible_topic_or_404(topic_id, user, fresh=fresh)
    require_not_banned(topic["_id"], user)
    if is_invite_only(topic) and level(topic, user) == NONE:
        raise Forbidden("You must be a member of this topic")
    return topic
