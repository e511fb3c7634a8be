"""Notification settings: follows and mutes, one document per (user, kind, item).

`kind` is "follow" (with `following` true or false: chat rooms count as
followed until unfollowed) or "mute" (with `until`, None meaning forever).
`item_type` is post, chat_room, topic or conversation (the other user's id).
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

FOLLOW, MUTE = "follow", "mute"
ITEM_TYPES = ("post", "chat_room", "topic", "conversation")


class NotificationSetting(BaseModel):
    collection_name = "notification_settings"
    fields = {
        "user_id": Field(),
        "kind": Field(),
        "item_type": Field(),
        "item_id": Field(),
        "following": Field(None),
        "until": Field(None),
    }
    indexes = [
        IndexModel([("user_id", ASCENDING), ("kind", ASCENDING), ("item_type", ASCENDING),
                    ("item_id", ASCENDING)], unique=True, name="user_kind_item"),
        IndexModel([("user_id", ASCENDING), ("kind", ASCENDING), ("item_type", ASCENDING),
                    ("created_at", DESCENDING)], name="user_kind_list"),
    ]
