"""Follows and mutes (rest-accounts §3.5, §6). NotificationService.should_notify
reads `is_muted` / `is_following` before delivering anything."""
from datetime import timedelta

from pymongo import ReturnDocument

from models.base import parse_id, to_json_safe
from models.chat_room import ChatRoom
from models.notification_setting import FOLLOW, MUTE, NotificationSetting
from models.post import Post
from models.topic import Topic
from models.user import User
from policies import facts
from services.chat_access import can_read, readable_room_or_404
from services.content_cache import invalidate_conversations
from services.posts import visible_post_or_404
from services.topic_access import can_view, visible_topic_or_404
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.time import utcnow

FOREVER = -1


def _item_id(item_id, message="Not found"):
    oid = parse_id(item_id)
    if oid is None:
        raise NotFound(message)
    return oid


def _key(user, kind, item_type, oid):
    return {"user_id": user["_id"], "kind": kind, "item_type": item_type, "item_id": oid}


def _upsert(user, kind, item_type, oid, values):
    now = utcnow()
    doc = NotificationSetting.collection().find_one_and_update(
        _key(user, kind, item_type, oid),
        {"$set": {**values, "updated_at": now}, "$setOnInsert": {"created_at": now}},
        upsert=True, return_document=ReturnDocument.AFTER)
    facts.invalidate(user["_id"])  # the facts hold the notification silences
    return doc


def check_item(item_type, item_id, user):
    """The item's ObjectId if the caller may see it; 404 otherwise, the same answer
    for a missing item and one the caller may not see (no existence oracle).
    Conversations only need a well-formed id."""
    if item_type == "chat_room":
        return _readable_room(item_id, user)["_id"]
    if item_type == "topic":
        return visible_topic_or_404(item_id, user)["_id"]
    if item_type == "post":
        # imported here: services.posts imports content_settings, which imports this module
        return visible_post_or_404(item_id, user)[0]["_id"]
    return _item_id(item_id)


def _readable_room(room_id, user):
    """chat_access's check, with its 403 for an unreadable room turned into a 404."""
    try:
        return readable_room_or_404(room_id, user)
    except (Forbidden, NotFound):
        raise NotFound("Chat not found") from None


def visible_items(item_type, ids, user):
    """`{id: document}` of the live items among `ids` that `user` may still see, for
    rows in the caller's lists (a user who lost access must not see their details)."""
    if not ids:
        return {}
    if item_type == "chat_room":
        docs = [room for room in ChatRoom.by_ids(ids) if can_read(room, user)]
    elif item_type == "topic":
        docs = [topic for topic in Topic.by_ids(ids) if can_view(topic, user)]
    elif item_type == "post":
        posts = Post.by_ids(ids)
        topics = {t["_id"]: t for t in Topic.by_ids({p["topic_id"] for p in posts},
                                                     include_deleted=True)}
        docs = [post for post in posts
                if post["topic_id"] in topics and can_view(topics[post["topic_id"]], user)]
    else:
        docs = []
    return {doc["_id"]: doc for doc in docs}


def _undo_id(user, kind, item_type, item_id):
    """Undoing a setting the caller has needs no visibility check (someone who lost
    access can still clean up); otherwise the item must be visible."""
    oid = parse_id(item_id)
    if oid is not None and NotificationSetting.find_one(_key(user, kind, item_type, oid)):
        return oid
    return check_item(item_type, item_id, user)


# ----- follow -----

def set_following(user, item_type, item_id, following):
    oid = (check_item(item_type, item_id, user) if following
           else _undo_id(user, FOLLOW, item_type, item_id))
    _upsert(user, FOLLOW, item_type, oid, {"following": bool(following)})


def follow_status(user, item_type, item_id):
    check_item(item_type, item_id, user)
    return is_following(user["_id"], item_type, item_id)


def is_following(user_id, item_type, item_id):
    """Chat rooms count as followed until unfollowed; posts as not followed until followed."""
    oid = parse_id(item_id)
    doc = NotificationSetting.find_one(
        {"user_id": parse_id(user_id), "kind": FOLLOW, "item_type": item_type, "item_id": oid})
    if doc is None:
        return item_type == "chat_room"
    return bool(doc.get("following"))


def followed(user, item_type, limit, offset):
    """`(settings, total)` of the items the caller explicitly follows, newest first."""
    query = {"user_id": user["_id"], "kind": FOLLOW, "item_type": item_type, "following": True}
    docs = NotificationSetting.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    return docs, NotificationSetting.count(query)


# ----- mute -----

def mute(user, item_type, item_id, minutes=FOREVER):
    """-1 mutes until unmuted, 0 unmutes, >0 mutes for that many minutes."""
    if not isinstance(minutes, int) or minutes < FOREVER:
        raise ValidationFailed("Invalid mute duration")
    if minutes == 0:
        oid = _undo_id(user, MUTE, item_type, item_id)
        NotificationSetting.collection().delete_one(_key(user, MUTE, item_type, oid))
        facts.invalidate(user["_id"])
    else:
        oid = check_item(item_type, item_id, user)
        until = None if minutes == FOREVER else utcnow() + timedelta(minutes=minutes)
        _upsert(user, MUTE, item_type, oid, {"until": until})
    if item_type == "conversation":
        invalidate_conversations(user["_id"])  # the list shows is_muted


def unmute(user, item_type, item_id):
    mute(user, item_type, item_id, 0)


def mute_entry(user_id, item_type, item_id):
    """The live mute document, or None (an expired mute counts as none)."""
    oid = parse_id(item_id)
    if oid is None:
        return None
    doc = NotificationSetting.find_one(
        {"user_id": parse_id(user_id), "kind": MUTE, "item_type": item_type, "item_id": oid})
    if doc is None or (doc.get("until") is not None and doc["until"] <= utcnow()):
        return None
    return doc


def is_muted(user_id, item_type, item_id):
    return mute_entry(user_id, item_type, item_id) is not None


def mute_status(user, item_type, item_id):
    check_item(item_type, item_id, user)
    return is_muted(user["_id"], item_type, item_id)


def muted_among(user_id, item_type, item_ids):
    """The ids among `item_ids` that `user_id` has a live mute on (one query)."""
    now = utcnow()
    docs = NotificationSetting.find(
        {"user_id": parse_id(user_id), "kind": MUTE, "item_type": item_type,
         "item_id": {"$in": [parse_id(i) for i in item_ids]},
         "$or": [{"until": None}, {"until": {"$gt": now}}]}, projection={"item_id": 1})
    return {doc["item_id"] for doc in docs}


def muted(user, item_type, limit, offset):
    """`(settings, total)`: live mutes of `item_type`, newest first."""
    now = utcnow()
    query = {"user_id": user["_id"], "kind": MUTE, "item_type": item_type,
             "$or": [{"until": None}, {"until": {"$gt": now}}]}
    docs = NotificationSetting.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    return docs, NotificationSetting.count(query)


def forget_user(user_id):
    NotificationSetting.collection().delete_many({"user_id": parse_id(user_id)})
    facts.invalidate(user_id)
    invalidate_conversations(user_id)


# ----- lists as the SPA reads them -----

def _preview(text, size=100):
    text = text or ""
    return text[:size] + "..." if len(text) > size else text


def _followed_row(item_type, setting, doc):
    row = {"id": str(setting["item_id"]), "topic_id": to_json_safe(doc.get("topic_id")),
           "created_at": to_json_safe(doc.get("created_at")),
           "followed_at": to_json_safe(setting.get("created_at"))}
    if item_type == "post":
        row.update(title=doc.get("title"), content=_preview(doc.get("content")),
                   author_username=doc.get("author_username"),
                   comment_count=doc.get("comment_count", 0))
    else:
        row.update(name=doc.get("name"), description=doc.get("description"),
                   member_count=doc.get("member_count", 0),
                   message_count=doc.get("message_count", 0),
                   last_activity=to_json_safe(doc.get("last_activity")))
    return row


def followed_rows(user, item_type, limit, offset):
    """`(rows, total)` of followed posts or chat rooms that still exist and that the
    caller may still see."""
    docs, total = followed(user, item_type, limit, offset)
    items = visible_items(item_type, [d["item_id"] for d in docs], user)
    rows = [_followed_row(item_type, d, items[d["item_id"]]) for d in docs if d["item_id"] in items]
    return rows, total


def muted_rows(user, limit, offset):
    """`(rows, total)`: every live mute, `{type, id, muted_until}`."""
    now = utcnow()
    query = {"user_id": user["_id"], "kind": MUTE,
             "$or": [{"until": None}, {"until": {"$gt": now}}]}
    docs = NotificationSetting.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    rows = [{"type": d["item_type"], "id": str(d["item_id"]),
             "muted_until": to_json_safe(d.get("until"))} for d in docs]
    return rows, NotificationSetting.count(query)


def muted_users(user, limit=500):
    """Muted conversations as `{id, username, profile_picture, muted_until}` rows."""
    docs, _ = muted(user, "conversation", limit, 0)
    users = {u["_id"]: u for u in User.find({"_id": {"$in": [d["item_id"] for d in docs]}})}
    return [{"id": str(d["item_id"]), "username": users[d["item_id"]]["username"],
             "profile_picture": users[d["item_id"]].get("profile_picture"),
             "muted_until": to_json_safe(d.get("until"))}
            for d in docs if d["item_id"] in users]
