"""Attachments' files: decoded, sniffed and saved to the configured storage
backend (services/storage_backends.py: local disk or Azure Blob Storage).

`store_attachments` turns the base64 attachments of a message body (§6.8,
§11.10) into stored files: size limit (413), content sniffed with `filetype`
against an allowlist (a declared type the bytes do not match is a 400).
"""
import base64
import binascii
import os
import secrets

import filetype
from flask import current_app

from models.attachment import Attachment
from models.base import parse_id
from services.storage_backends import FileMissing, backend_from_config
from utils.errors import NotFound, PayloadTooLarge, ValidationFailed

# Sniffed MIME type -> attachment kind. Anything else is refused.
ALLOWED_TYPES = {
    "image/jpeg": "image", "image/png": "image", "image/gif": "image", "image/webp": "image",
    "video/mp4": "video", "video/webm": "video", "video/quicktime": "video",
    "audio/mpeg": "audio", "audio/ogg": "audio", "audio/x-wav": "audio", "audio/mp4": "audio",
    "application/pdf": "file", "application/zip": "file",
}
TEXT_TYPE = "text/plain"  # no magic bytes: accepted only when it decodes as UTF-8 text


def storage():
    """This app's storage backend (STORAGE_BACKEND), built once."""
    extensions = current_app.extensions
    if "file_storage" not in extensions:
        extensions["file_storage"] = backend_from_config(current_app.config)
    return extensions["file_storage"]


def decode_data(data):
    """Bytes from a data URL (`data:<type>;base64,...`) or raw base64."""
    if not isinstance(data, str) or not data:
        raise ValidationFailed("Attachment data is required")
    if data.startswith("data:"):
        data = data.split(",", 1)[1] if "," in data else ""
    max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(data) > (max_bytes * 4) // 3 + 8:
        raise PayloadTooLarge("Attachment is too large")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("Attachment data is not valid base64") from None
    if len(raw) > max_bytes:
        raise PayloadTooLarge("Attachment is too large")
    if not raw:
        raise ValidationFailed("Attachment is empty")
    return raw


def sniff(raw, declared):
    """The MIME type the bytes really have, if allowed and consistent with `declared`."""
    kind = filetype.guess(raw)
    if kind is None:
        if declared == TEXT_TYPE and _is_text(raw):
            return TEXT_TYPE, "file"
        raise ValidationFailed("File type not allowed")
    mime = kind.mime
    if mime not in ALLOWED_TYPES:
        raise ValidationFailed("File type not allowed")
    if declared and declared.split(";")[0].strip().lower() != mime:
        raise ValidationFailed("File content does not match its declared type")
    return mime, ALLOWED_TYPES[mime]


def _is_text(raw):
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in raw


def store_attachments(items, owner, scope):
    """Store each `{filename, mime_type, data}`; returns the §11.10 objects (no url yet).

    `scope` is one of {"chat_room_id"}, {"topic_id"} or {"conversation_key"} plus
    `message_id`: it decides who may later fetch the file.
    """
    if len(items) > current_app.config["MAX_ATTACHMENTS_PER_MESSAGE"]:
        raise ValidationFailed("Too many attachments")
    prepared = [(item, *sniff_item(item)) for item in items]
    docs = []
    for item, raw, mime, kind in prepared:
        file_id = secrets.token_urlsafe(18)
        storage().save(file_id, raw, mime)
        docs.append(Attachment.new(
            file_id=file_id, owner_id=parse_id(owner["_id"]), storage_key=file_id,
            filename=_safe_name(item.filename), size=len(raw), mime_type=mime, kind=kind,
            **scope))
    if docs:
        Attachment.collection().insert_many(docs)
    return [public_attachment(doc) for doc in docs]


def sniff_item(item):
    raw = decode_data(item.data)
    mime, kind = sniff(raw, item.mime_type)
    return raw, mime, kind


def _safe_name(name):
    name = os.path.basename((name or "file").replace("\\", "/")).strip() or "file"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"\r\n')[:200]


def public_attachment(doc):
    return {"type": doc["kind"], "file_id": doc["file_id"],
            "url": f"/api/attachments/{doc['file_id']}", "filename": doc["filename"],
            "size": doc["size"], "mime_type": doc["mime_type"]}


def get_file(file_id):
    """The attachment record, or None."""
    return Attachment.find_one({"file_id": file_id}) if isinstance(file_id, str) else None


def open_file(doc):
    """The stored bytes of an attachment record, as a stream of chunks."""
    try:
        return storage().open(doc["storage_key"])
    except FileMissing:
        raise NotFound("File not found") from None
