"""Per-user content settings: items a user hid or silenced (rest-accounts §7)."""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class ContentSetting(BaseModel):
    """`setting` is "hidden" or "silenced"; `item_type` is topic, post, chat_room, ..."""

    collection_name = "content_settings"
    fields = {"user_id": Field(), "item_type": Field(), "item_id": Field(), "setting": Field(),
              # silences may end: None means until unsilenced
              "until": Field(None)}
    indexes = [
        IndexModel([("user_id", ASCENDING), ("setting", ASCENDING), ("item_type", ASCENDING),
                    ("item_id", ASCENDING)], unique=True, name="user_setting_item"),
        IndexModel([("user_id", ASCENDING), ("setting", ASCENDING), ("created_at", ASCENDING)],
                   name="user_setting_list"),
    ]
