"""Stored files sent inside messages. The file id is random (not derived from
the content), and each file records the message scope that decides who may
fetch it: a chat room, a topic's chat, or a DM conversation."""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class Attachment(BaseModel):
    collection_name = "attachments"
    not_found_message = "File not found"
    fields = {
        "file_id": Field(),
        "owner_id": Field(),
        "filename": Field(""),
        "size": Field(0),
        "mime_type": Field(""),
        "kind": Field("file"),            # image | video | audio | file
        "storage_key": Field(private=True),
        "message_id": Field(None),
        "chat_room_id": Field(None),
        "topic_id": Field(None),
        "conversation_key": Field(None),
    }
    indexes = [IndexModel([("file_id", ASCENDING)], unique=True, name="file_id_unique")]
