"""Hidden and silenced items. What the caller hid is one of their facts
(policies/facts.py); `exclude_hidden` (policies/lists.py, re-exported here) is the
one query helper every list endpoint (topics, posts, chat rooms) uses to drop it."""
from datetime import timedelta

from pymongo import ReturnDocument

from models.base import parse_id, to_json_safe
from models.content_setting import ContentSetting
from policies import facts
from policies.lists import exclude_hidden, hidden_ids  # noqa: F401  (re-exported for list endpoints)
from services.notification_settings import check_item, muted_users, visible_items
from services.private_messages import hidden_for_me
from utils.errors import NotFound, ValidationFailed
from utils.time import utcnow


# ----- the caller's own settings (accounts issue) -----

HIDDEN, SILENCED = "hidden", "silenced"
# Types the caller can hide / silence, and the list key of GET /hidden-items.
HIDDEN_LISTS = {"topic": "hidden_topics", "post": "hidden_posts", "chat_room": "hidden_chats",
                "comment": "hidden_comments", "chat_message": "hidden_chat_messages",
                "private_message": "hidden_private_messages"}
SILENCE_TYPES = ("topic", "post", "chat_room")


def _check_item(item_type, item_id, user):
    """The item's ObjectId; topics, posts and chat rooms must exist and be visible to
    the caller (404 either way, so hiding is no existence oracle)."""
    if item_type in ("topic", "post", "chat_room"):
        return check_item(item_type, item_id, user)
    oid = parse_id(item_id)
    if oid is None:
        raise NotFound("Not found")
    return oid


def set_setting(user, setting, item_type, item_id, until=None):
    """Hide or silence an item (idempotent; a second silence moves its end)."""
    oid = _check_item(item_type, item_id, user)
    now = utcnow()
    ContentSetting.collection().find_one_and_update(
        {"user_id": user["_id"], "setting": setting, "item_type": item_type, "item_id": oid},
        {"$set": {"until": until, "updated_at": now}, "$setOnInsert": {"created_at": now}},
        upsert=True, return_document=ReturnDocument.AFTER)
    facts.invalidate(user["_id"])


def clear_setting(user, setting, item_type, item_id):
    """Undo a hide or silence. A setting the caller has needs no visibility check (a
    user who lost access can still clean up); otherwise the item must be visible."""
    oid = parse_id(item_id)
    key = {"user_id": user["_id"], "setting": setting, "item_type": item_type, "item_id": oid}
    if oid is None or ContentSetting.collection().find_one(key) is None:
        key["item_id"] = _check_item(item_type, item_id, user)
    ContentSetting.collection().delete_one(key)
    facts.invalidate(user["_id"])


def silence(user, item_type, item_id, minutes=-1):
    if not isinstance(minutes, int) or minutes < -1:
        raise ValidationFailed("Invalid silence duration")
    if minutes == 0:
        return clear_setting(user, SILENCED, item_type, item_id)
    until = None if minutes == -1 else utcnow() + timedelta(minutes=minutes)
    return set_setting(user, SILENCED, item_type, item_id, until)


def settings_of(user, setting, limit=500):
    """The caller's settings of one kind, newest first (live silences only)."""
    query = {"user_id": user["_id"], "setting": setting}
    if setting == SILENCED:
        query["$or"] = [{"until": None}, {"until": {"$gt": utcnow()}}]
    return ContentSetting.find(query, sort=[("created_at", -1)], limit=limit)


def forget_user(user_id):
    ContentSetting.collection().delete_many({"user_id": parse_id(user_id)})
    facts.invalidate(user_id)


def _details(item_type, ids, user):
    """`{id: document}` of the hidden or silenced items that still exist and that the
    caller may still see; the others keep a row with their id only."""
    return visible_items(item_type, ids, user)


def _row(item_type, item_id, doc, setting_doc):
    doc = doc or {}
    row = {"id": str(item_id), "created_at": to_json_safe(doc.get("created_at"))}
    if item_type == "topic":
        row.update(title=doc.get("title"), description=doc.get("description"))
    elif item_type == "post":
        row.update(title=doc.get("title"), topic_id=to_json_safe(doc.get("topic_id")),
                   author_username=doc.get("author_username"))
    elif item_type == "chat_room":
        row.update(name=doc.get("name"), description=doc.get("description"),
                   topic_id=to_json_safe(doc.get("topic_id")),
                   is_group_chat=bool(doc.get("is_group_chat")))
    row["setting_created_at"] = to_json_safe(setting_doc.get("created_at"))
    return row


def hidden_items(user):
    """GET /hidden-items: the six lists, each row as the SPA reads it."""
    settings = settings_of(user, HIDDEN)
    out = {name: [] for name in HIDDEN_LISTS.values()}
    for item_type, list_name in HIDDEN_LISTS.items():
        mine = [s for s in settings if s["item_type"] == item_type]
        details = _details(item_type, [s["item_id"] for s in mine], user)
        out[list_name] = [_row(item_type, s["item_id"], details.get(s["item_id"]), s)
                          for s in mine]
    # DMs are hidden by "delete for me", stored on the message itself (chat issue)
    out["hidden_private_messages"] = hidden_for_me(user)
    return out


def _silenced_row(item_type, setting_doc, doc):
    """SilencedItem (rest-accounts §7); the SPA's type for chat rooms is "chatroom"."""
    return {"id": str(setting_doc["item_id"]),
            "type": "chatroom" if item_type == "chat_room" else item_type,
            "name": doc.get("title") or doc.get("name"), "description": doc.get("description"),
            "silenced_at": to_json_safe(setting_doc.get("created_at")),
            "silenced_until": to_json_safe(setting_doc.get("until")),
            "topic_id": to_json_safe(doc.get("topic_id"))}


def silenced_items(user):
    """GET /silenced-items: `items` plus per-type lists."""
    settings = settings_of(user, SILENCED)
    items, by_type = [], {"topic": [], "post": [], "chat_room": []}
    for item_type in SILENCE_TYPES:
        mine = [s for s in settings if s["item_type"] == item_type]
        details = _details(item_type, [s["item_id"] for s in mine], user)
        for s in mine:
            row = _silenced_row(item_type, s, details.get(s["item_id"]) or {})
            items.append(row)
            by_type[item_type].append(row)
    return {"items": items, "topics": by_type["topic"], "posts": by_type["post"],
            "chats": by_type["chat_room"], "silenced_users": muted_users(user)}
