"""Who may fetch an attachment: whoever may read the place its message was sent to."""
from urllib.parse import quote

from models.attachment import Attachment
from models.base import parse_id
from models.message import Message
from models.private_message import PrivateMessage
from services import chat_access, topic_access
from services.file_storage import get_file, open_file
from utils.errors import Forbidden, NotFound


def _message_gone(doc):
    """A file of a deleted (or never stored) message is not served any more."""
    model = PrivateMessage if doc.get("conversation_key") else Message
    return doc.get("message_id") is not None and model.get(doc["message_id"]) is None


def _check_access(doc, user):
    if _message_gone(doc):
        raise NotFound("File not found")
    if doc.get("chat_room_id"):
        chat_access.readable_room_or_404(doc["chat_room_id"], user)
    elif doc.get("topic_id"):
        topic_access.visible_topic_or_404(doc["topic_id"], user)
    elif doc.get("conversation_key"):
        if str(user["_id"]) not in doc["conversation_key"].split("_"):
            raise Forbidden("You cannot access this file")
    elif parse_id(doc["owner_id"]) != user["_id"]:
        raise Forbidden("You cannot access this file")


def readable_file(file_id, user):
    """The record and a stream of the bytes, opened only after the access check."""
    doc = get_file(file_id)
    if doc is None:
        raise NotFound("File not found")
    _check_access(doc, user)
    return doc, open_file(doc)


def file_info(file_id, user):
    doc = Attachment.find_one({"file_id": file_id})
    if doc is None:
        raise NotFound("File not found")
    _check_access(doc, user)
    return {"file_id": doc["file_id"], "filename": doc["filename"], "size": doc["size"],
            "mime_type": doc["mime_type"], "created_at": doc["created_at"]}


def disposition(doc, inline):
    name = doc["filename"] or "file"
    ascii_name = name.encode("ascii", "ignore").decode() or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
