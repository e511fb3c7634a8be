"""Private messages (DMs). `conversation_key` names the pair of users (sorted ids
joined by `_`); `seq` orders messages within it, like Message.seq in a room."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


def conversation_key(user_a, user_b):
    return "_".join(sorted([str(user_a), str(user_b)]))


class PrivateMessage(BaseModel):
    collection_name = "private_messages"
    not_found_message = "Message not found"
    soft_delete = True
    fields = {
        "conversation_key": Field(),
        "from_user_id": Field(),
        "to_user_id": Field(),
        "content": Field(""),
        "message_type": Field("text"),
        "gif_url": Field(None),
        "attachments": Field(list),
        "seq": Field(0),
        "client_message_id": Field(None),
        "is_read": Field(False),
        "read_at": Field(None),
        "deleted_for_user_ids": Field(list),
        "deleted_by": Field(None),
    }
    indexes = [
        IndexModel([("conversation_key", ASCENDING), ("seq", ASCENDING)], name="conversation_seq"),
        IndexModel([("to_user_id", ASCENDING), ("from_user_id", ASCENDING),
                    ("is_read", ASCENDING)], name="unread"),
        IndexModel([("from_user_id", ASCENDING), ("client_message_id", ASCENDING)], unique=True,
                   name="client_id_unique",
                   partialFilterExpression={"client_message_id": {"$type": "string"}}),
        IndexModel([("from_user_id", ASCENDING), ("created_at", DESCENDING)], name="by_sender"),
    ]
