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
