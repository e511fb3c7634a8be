"""Profiles and user lookup: profile edits, public views, search, online users,
availability checks, warnings."""
from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.message import Message
from models.private_message import PrivateMessage
from models.topic import Topic, TopicMember
from models.user import User, public_user_view
from services import auth_service, blocks, presence
from services.images import clean_image
from services.private_messages import unread_count
from services.reports import create_report
from utils.errors import Conflict, NotFound, ValidationFailed
from utils.text import escape_search, sanitize_text
from utils.time import utcnow

DELETED_NAME = "Deleted User"
IMAGE_FIELDS = {"profile_picture": "Profile picture", "banner": "Banner"}


def display_name(user):
    """The name to show for `user`: deleted accounts read as "Deleted User"."""
    if user is None or user.get("is_deleted"):
        return DELETED_NAME
    return user["username"]


def public_view(user):
    view = public_user_view(user, is_online=presence.is_online(user["_id"]))
    if user.get("is_deleted"):
        view["username"] = DELETED_NAME
    return view


def get_live_user(user_id):
    """The user with this id (not deleted), or 404 (also for a malformed id)."""
    user = User.get(user_id)
    if user is None or user.get("is_deleted"):
        raise NotFound("User not found")
    return user


def get_by_username(username):
    user = User.by_username(username)
    if user is None or user.get("is_deleted") or user["username"] != username:
        raise NotFound("User not found")  # the contract's match is exact
    return user


# ----- profile -----

def update_profile(user, changes):
    """Apply the fields of `changes` (a dict of what the client sent; None clears)."""
    updates = {}
    if changes.get("username"):
        updates.update(_username_change(user, changes["username"]))
    for name, label in IMAGE_FIELDS.items():
        if name in changes:
            value = changes[name]
            updates[name] = _image_value(value, label)
    if "country_code" in changes:
        updates["country_code"] = _country_code(changes["country_code"])
    if not updates:
        raise ValidationFailed("Username, profile picture, banner, or country required")
    try:
        return User.update(user["_id"], set_=updates)
    except DuplicateKeyError:
        raise Conflict("Username already taken") from None


def _username_change(user, username):
    username = auth_service.check_username(username)
    if username == user["username"]:
        return {}
    taken = User.by_username(username)
    if taken is not None and taken["_id"] != user["_id"]:
        raise Conflict("Username already taken")
    return {"username": username, "username_lower": username.lower()}


def _image_value(value, label):
    # `null` clears like "" (rest-accounts §13 item 19)
    return clean_image(value, label) if value else None


def _country_code(value):
    if not value:
        return None
    if len(value) != 2 or not value.isalpha() or not value.isascii():
        raise ValidationFailed("Invalid country code format")
    return value.upper()


# ----- search and presence -----

def search(user, term, limit, offset):
    """`(users, total)`: usernames starting with `term` (escaped), minus blocks either way."""
    term = (term or "").strip()
    if not term:
        raise ValidationFailed("Search query is required")
    if len(term) < 2:
        raise ValidationFailed("Search query must be at least 2 characters")
    hidden = blocks.blocked_by_ids(user["_id"]) + blocks.blocked_ids(user["_id"])
    # An anchored prefix on the lower-cased name uses the unique index.
    query = {"username_lower": {"$regex": "^" + escape_search(term.lower())},
             "is_deleted": {"$ne": True}, "_id": {"$nin": hidden + [user["_id"]]}}
    found = User.find(query, sort=[("username_lower", 1)], skip=offset, limit=limit)
    return found, User.count(query)


def online_users(limit, offset):
    """`(rows, total)`: the online users, as `{id, user_id, username, connected_at}`."""
    ids = [oid for oid in map(parse_id, presence.online_user_ids()) if oid is not None]
    page = ids[offset:offset + limit]
    users = User.find({"_id": {"$in": page}}, projection={"username": 1, "is_deleted": 1})
    rows = [{"id": str(u["_id"]), "user_id": str(u["_id"]), "username": display_name(u),
             "connected_at": ""} for u in users]
    return rows, len(ids)


# ----- availability -----

def username_available(username):
    username = auth_service.check_username(username)
    return User.by_username(username) is None


def email_available(email):
    email = auth_service.check_email(email)
    return User.by_email(email) is None


# ----- warnings -----

# the newest warnings kept on the user document (older ones stay in the audit log)
WARNING_HISTORY_CAP = 100

def dismiss_warning(user, dismissed=True):
    """Move the active warning into the history; 400 when there is none."""
    warning = user.get("active_warning")
    if not warning:
        raise ValidationFailed("Failed to dismiss warning" if dismissed
                               else "No active warning to clear")
    entry = {**warning, "dismissed_at": utcnow() if dismissed else warning.get("dismissed_at")}
    User.update(user["_id"], set_={"active_warning": None},
                extra={"$push": {"warning_history": {"$each": [entry], "$slice": -WARNING_HISTORY_CAP}}},
                query={"active_warning": {"$ne": None}})


def report_profile_image(user, target_id, reason, description):
    target = get_live_user(target_id)
    return create_report(user, "profile_image", target["_id"], sanitize_text(reason),
                         sanitize_text(description or ""), reported_user_id=target["_id"])


def my_topics(user, limit, offset):
    """`(topics, total)`: the topics the caller is a member of, newest membership first."""
    query = {"user_id": user["_id"]}
    members = TopicMember.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    topics = {t["_id"]: t for t in Topic.find({"_id": {"$in": [m["topic_id"] for m in members]}})}
    rows = [{**Topic.to_public(topics[m["topic_id"]]), "user_role": m.get("role")}
            for m in members if m["topic_id"] in topics]
    return rows, TopicMember.count(query)


def stats(user):
    """GET /api/users/stats: counts over the topic and chat stores (three indexed counts)."""
    sent = Message.count({"user_id": user["_id"]}) + PrivateMessage.count(
        {"from_user_id": user["_id"]})
    return {"topics_joined": TopicMember.count({"user_id": user["_id"]}),
            "messages_sent": sent, "unread_messages": unread_count(user)}
