"""NotificationService: the one way any service notifies a user.

`notify()` stores the notification (shape of rest-accounts §12.3) and, after
the write, emits `new_notification` to `user_<id>`. `should_notify` decides
first: blocks, the recipient's `notifications_enabled` preference, mutes
(topic, post, chat room, conversation; expiring ones end by themselves),
unfollowed chat rooms and silenced content.
"""
from models.base import parse_id, to_json_safe
from models.notification import Notification, notification_view
from models.user import User
from policies import facts
from services import email_queue, missed_email, realtime
from utils import cache
from utils.errors import NotFound
from utils.time import utcnow

# The recipient's list and unread count are cached per user (versioned namespace,
# bumped by every write below: notify, mark read, read all, delete, forget); the
# TTL bounds what the TTL index's expiry of old notifications can leave stale.
LIST_TTL = 60


def _list_ns(user_id):
    return f"notifications:{user_id}"


def _changed(user_id):
    cache.bump(_list_ns(user_id))


# data key -> item type of the settings that can silence a notification about it
_ITEM_KEYS = (("topic_id", "topic"), ("post_id", "post"), ("chat_room_id", "chat_room"))


def _items(kind, data, sender_id):
    items = []
    for data_key, item_type in _ITEM_KEYS:
        oid = parse_id(data.get(data_key)) if data.get(data_key) else None
        if oid is not None:
            items.append((item_type, oid))
    if kind == "message":
        other = parse_id(data.get("from_user_id") or sender_id)
        if other is not None:
            items.append(("conversation", other))
    return items


def _silenced_by_settings(user_id, kind, items):
    """From the recipient's cached facts (policies/facts.py: mutes, unfollowed rooms and
    silences, dropped by every write of them), not a query per notification."""
    return bool(items) and facts.for_id(user_id).silenced(kind, items)


class NotificationService:
    @staticmethod
    def should_notify(user_id, kind, data, sender_id=None, recipient=None, blocks_checked=False):
        """True means deliver. `recipient`: the recipient's user document, when the
        caller has read it; `blocks_checked`: the caller has refused a block already
        (each saves a read on the write path)."""
        if sender_id is not None and not blocks_checked \
                and facts.for_id(user_id).has_blocked(sender_id):
            return False
        if recipient is None:
            recipient = User.get(user_id, projection={"preferences": 1, "is_deleted": 1}) or {}
        if recipient.get("is_deleted"):
            return False
        if (recipient.get("preferences") or {}).get("notifications_enabled") is False:
            return False
        return not _silenced_by_settings(parse_id(user_id), kind,
                                         _items(kind, data or {}, sender_id))

    @classmethod
    def notify(cls, user_id, kind, title, message, data=None, sender_id=None, recipient=None,
               blocks_checked=False):
        """Store and emit one notification; returns it (public shape) or None if suppressed.
        `recipient` and `blocks_checked`: see `should_notify`."""
        data = data or {}
        if sender_id is not None and str(sender_id) == str(user_id):
            return None  # nobody is notified of their own action
        if not cls.should_notify(user_id, kind, data, sender_id, recipient, blocks_checked):
            return None
        doc = Notification.insert(user_id=parse_id(user_id), type=kind, title=title,
                                  message=message, data=data,
                                  sender_id=parse_id(sender_id) if sender_id else None)
        _changed(user_id)
        public = notification_view(doc)
        realtime.emit_to_user(user_id, "new_notification", {
            **public, "timestamp": public["created_at"],
            "sender_username": data.get("sender_username") or data.get("from_username")
            or data.get("commenter_username")})
        # an email if they stay away
        missed_email.queue_if_away(user_id, kind, doc["_id"], user=recipient)
        return public


notify = NotificationService.notify


# ----- the recipient's own list -----

def list_names(unread_only, limit, offset, user_id=cache.USER):
    """What `list_for` reads (with the default, the session script's plan)."""
    return (cache.versioned_key(_list_ns(user_id), "list",
                                cache.digest([bool(unread_only), limit, offset])),)


def list_for(user, unread_only, limit, offset):
    """`(notifications, total)`, newest first."""
    query = {"user_id": user["_id"]}
    if unread_only:
        query["is_read"] = False

    def load():
        docs = Notification.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
        return {"items": [notification_view(doc) for doc in docs],
                "total": Notification.count(query)}

    name, = list_names(unread_only, limit, offset, user["_id"])
    page = cache.cached(name, LIST_TTL, load)
    return page["items"], page["total"]


def unread_count(user):
    name = cache.versioned_key(_list_ns(user["_id"]), "unread")
    return cache.cached(name, LIST_TTL, lambda: Notification.count(
        {"user_id": user["_id"], "is_read": False}))


def _own(user, notification_id):
    """Query for the caller's notification; someone else's is as unknown as a missing one."""
    oid = parse_id(notification_id)
    if oid is None:
        raise NotFound("Notification not found")
    return {"_id": oid, "user_id": user["_id"]}


def mark_read(user, notification_id):
    query = _own(user, notification_id)
    result = Notification.collection().update_one(
        query, {"$set": {"is_read": True, "read_at": utcnow(), "updated_at": utcnow()}})
    if result.matched_count == 0:
        raise NotFound("Notification not found")
    _changed(user["_id"])


def mark_all_read(user):
    now = utcnow()
    result = Notification.collection().update_many(
        {"user_id": user["_id"], "is_read": False},
        {"$set": {"is_read": True, "read_at": now, "updated_at": now}})
    email_queue.cancel_pending(user["_id"])  # nothing left to email them about
    _changed(user["_id"])
    return result.modified_count


def delete(user, notification_id):
    if Notification.collection().delete_one(_own(user, notification_id)).deleted_count == 0:
        raise NotFound("Notification not found")
    _changed(user["_id"])


def forget_user(user_id):
    Notification.collection().delete_many({"user_id": parse_id(user_id)})
    _changed(user_id)


def aggregated(user, kind, group_by, limit, offset):
    """Without `kind`: the unread list. With it: groups by `data.<group_by>` (or type)."""
    if not kind:
        return list_for(user, True, limit, offset)[0]
    field = "$type" if group_by == "type" else f"$data.{group_by}"
    pipeline = [
        {"$match": {"user_id": user["_id"], "type": kind}},
        {"$sort": {"created_at": -1}},
        {"$limit": 1000},  # aggregate the newest 1,000 at most
        {"$group": {"_id": field, "count": {"$sum": 1}, "latest": {"$max": "$created_at"},
                    "ids": {"$push": "$_id"}}},
        {"$sort": {"latest": -1}}, {"$skip": offset}, {"$limit": limit},
    ]
    groups = list(Notification.collection().aggregate(pipeline))
    wanted = [oid for group in groups for oid in group["ids"][:10]]
    docs = {d["_id"]: d for d in Notification.find({"_id": {"$in": wanted}})}
    return [{"_id": to_json_safe(group["_id"]), "count": group["count"],
             "latest": to_json_safe(group["latest"]),
             "notifications": [notification_view(docs[oid]) for oid in group["ids"][:10]
                               if oid in docs]} for group in groups]
