"""Chat-room messages and legacy topic messages: one collection, one shape.

Every message carries `seq`, a number that grows monotonically within its
stream (a room, or a topic's legacy chat), taken from `counters`. Cursors
(`before_message_id`, `after_message_id`) map to seq, so a client that
reconnects asks for "after the last one I saw" and gets exactly what it missed.
"""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class Message(BaseModel):
    collection_name = "messages"
    not_found_message = "Message not found"
    soft_delete = True
    fields = {
        "chat_room_id": Field(None),
        "topic_id": Field(None),
        "user_id": Field(),
        "content": Field(""),
        "message_type": Field("text"),
        "gif_url": Field(None),
        "attachments": Field(list),
        "anonymous_identity": Field(None),
        "mentions": Field(list),
        "seq": Field(0),
        "client_message_id": Field(None),
        "deleted_by": Field(None),
        "deletion_reason": Field(None),
    }
    indexes = [
        IndexModel([("chat_room_id", ASCENDING), ("seq", ASCENDING)], name="room_seq"),
        IndexModel([("topic_id", ASCENDING), ("chat_room_id", ASCENDING), ("seq", ASCENDING)],
                   name="topic_seq"),
        # A retried send (same client id from the same sender in the same stream) is one message.
        IndexModel([("chat_room_id", ASCENDING), ("topic_id", ASCENDING), ("user_id", ASCENDING),
                    ("client_message_id", ASCENDING)], unique=True, name="client_id_unique",
                   partialFilterExpression={"client_message_id": {"$type": "string"}}),
        IndexModel([("is_deleted", ASCENDING), ("deleted_at", ASCENDING)], name="deleted"),
        IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)], name="by_user"),
    ]


class Counter(BaseModel):
    """The MongoDB seq counters of earlier versions (`_id` is the stream name). Seqs
    come from Redis now (services/chat_cache.next_seq); these are only read, so a
    seeded Redis counter starts above any seq they handed out."""

    collection_name = "counters"
    fields = {"value": Field(0)}
