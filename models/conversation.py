"""Per-user state of one DM conversation: last message, mute, "deleted for me".

One document per (user, other user), upserted for both parties on every DM in
one bulk write; the conversation list is then a single indexed query.
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class Conversation(BaseModel):
    collection_name = "conversations"
    fields = {
        "user_id": Field(),
        "other_user_id": Field(),
        "last_message_id": Field(None),
        "last_message_at": Field(None),
        "muted_until": Field(None),        # a datetime; far future = indefinitely
        "cleared_through_seq": Field(0),   # "delete conversation for me": hide seq <= this
        "read_through_seq": Field(0),
        "is_hidden": Field(False),
    }
    indexes = [
        IndexModel([("user_id", ASCENDING), ("other_user_id", ASCENDING)], unique=True,
                   name="pair_unique"),
        IndexModel([("user_id", ASCENDING), ("is_hidden", ASCENDING),
                    ("last_message_at", DESCENDING)], name="by_user_recent"),
    ]
