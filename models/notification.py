"""Notifications (rest-accounts §12.3). Old ones expire through a TTL index."""
import os

from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

TTL_DAYS = int(os.environ.get("NOTIFICATION_TTL_DAYS", "90"))


class Notification(BaseModel):
    collection_name = "notifications"
    not_found_message = "Notification not found"
    fields = {
        "user_id": Field(),
        "type": Field(),
        "title": Field(""),
        "message": Field(""),
        "data": Field(dict),
        "sender_id": Field(None),
        "is_read": Field(False),
        "read_at": Field(None),
    }
    indexes = [
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user"),
        IndexModel([("user_id", ASCENDING), ("is_read", ASCENDING), ("created_at", DESCENDING)],
                   name="by_user_unread"),
        IndexModel([("created_at", ASCENDING)], expireAfterSeconds=TTL_DAYS * 86400, name="ttl"),
    ]


# Where a notification points, read from its data (rest-accounts §12.3 `context_*`).
_CONTEXTS = (
    ("chat_room_id", "chat_room", "chat_room_name"),
    ("post_id", "post", "post_title"),
    ("request_id", "friend_request", None),
    ("friend_id", "friend", None),
)


def notification_view(doc):
    """Notification (rest-accounts §12.3): `read` for `is_read`, plus `context_*`."""
    view = Notification.to_public(doc)
    view["read"] = bool(doc.get("is_read"))
    data = doc.get("data") or {}
    for key_name, context_type, name_key in _CONTEXTS:
        if data.get(key_name):
            view["context_id"] = str(data[key_name])
            view["context_type"] = context_type
            if name_key and data.get(name_key):
                view["context_name"] = data[name_key]
            break
    return view
