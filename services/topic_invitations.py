"""Invitations to invite-only topics (rest-content §3.12, §11.11)."""
from models.base import parse_id, to_json_safe
from models.topic import NONE, OWNER, Topic
from models.topic_invitation import TopicInvitation
from models.user import User
from policies import facts
from policies.topic import is_banned, is_invite_only, visible_topic_or_404
from policies.topic import level as permission_level
from services import realtime
from services.blocks import is_blocked_either
from services.content_cache import invalidate_topic
from services.topic_members import add_member
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.rate_limit import enforce_setting
from utils.time import utcnow


def invite(topic_id, actor, user_id):
    topic = visible_topic_or_404(topic_id, actor)
    if permission_level(topic, actor) == NONE:
        raise Forbidden("You must be a member of this topic to invite")
    if not is_invite_only(topic):
        raise ValidationFailed("This topic is public and does not require invitations")
    target = User.get(user_id)
    if target is None:
        raise NotFound("User not found")
    level = permission_level(topic, target)
    if level == OWNER:
        raise ValidationFailed("Cannot invite the owner of the topic.")
    if level > NONE:
        raise ValidationFailed("User is already a member of this topic.")
    if is_banned(topic["_id"], target["_id"]):
        raise ValidationFailed("User is banned from this topic.")
    if is_blocked_either(actor["_id"], target["_id"]):
        raise Forbidden("You cannot invite this user")
    if TopicInvitation.find_one({"topic_id": topic["_id"], "invited_user_id": target["_id"],
                                 "status": "pending"}):
        raise ValidationFailed("User has already been invited to this topic.")
    enforce_setting("TOPIC_INVITE", actor["_id"], "Too many invitations")
    invitation = TopicInvitation.insert(topic_id=topic["_id"], invited_user_id=target["_id"],
                                        invited_by=parse_id(actor["_id"]))
    facts.invalidate(target["_id"])
    realtime.emit_to_user(target["_id"], "topic_invitation", {
        "invitation_id": invitation["_id"], "topic_id": topic["_id"],
        "invited_user_id": target["_id"], "invited_by": actor["_id"],
        "invited_by_username": actor["username"], "topic_title": topic["title"],
        "topic_description": topic.get("description", "")})
    return invitation


def list_invitations(user, limit=50, offset=0):
    """Pending invitations of the caller, newest first; deleted topics skipped."""
    docs = TopicInvitation.find({"invited_user_id": parse_id(user["_id"]), "status": "pending"},
                                sort=[("created_at", -1)], skip=offset, limit=limit)
    topics = {t["_id"]: t for t in Topic.by_ids([d["topic_id"] for d in docs])}
    inviters = {u["_id"]: u for u in User.find({"_id": {"$in": [d["invited_by"] for d in docs]}},
                                               projection={"username": 1, "profile_picture": 1})}
    out = []
    for doc in docs:
        topic, inviter = topics.get(doc["topic_id"]), inviters.get(doc["invited_by"])
        if topic is None:
            continue
        item = TopicInvitation.to_public(doc)
        item["topic"] = to_json_safe({"id": topic["_id"], "title": topic["title"],
                                      "description": topic.get("description", ""),
                                      "member_count": topic.get("member_count", 0)})
        inviter = inviter or {}
        item["inviter"] = to_json_safe({"id": doc["invited_by"], "username": inviter.get("username"),
                                        "profile_picture": inviter.get("profile_picture")})
        out.append(item)
    return out


def _own_pending(invitation_id, user, failure):
    invitation = TopicInvitation.get(invitation_id)
    if invitation is None:
        raise NotFound("Invitation not found")
    if invitation["invited_user_id"] != parse_id(user["_id"]):
        raise Forbidden("Permission denied")
    if invitation["status"] != "pending":
        raise ValidationFailed(failure)
    return invitation


def accept(invitation_id, user):
    invitation = _own_pending(invitation_id, user, "Failed to accept invitation")
    topic = Topic.get(invitation["topic_id"])
    if topic is None or is_banned(topic["_id"], user["_id"]):
        raise ValidationFailed("Failed to accept invitation")
    add_member(topic, user["_id"], role="member", added_by=invitation["invited_by"])
    TopicInvitation.update(invitation["_id"], set_={"status": "accepted"})
    facts.invalidate(user["_id"])
    invalidate_topic(topic["_id"])
    return True


def decline(invitation_id, user):
    invitation = _own_pending(invitation_id, user, "Failed to decline invitation")
    TopicInvitation.update(invitation["_id"], set_={"status": "declined", "responded_at": utcnow()})
    facts.invalidate(user["_id"])
    return True
