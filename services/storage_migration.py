"""`flask storage-migrate --to azure|local`: copy every attachment's file from
the other backend to the target, so STORAGE_BACKEND can be switched without
losing files. Files already in the target are left alone (the command can be
re-run after an interruption); files missing from the source are counted."""
from dataclasses import dataclass

from flask import current_app

from models.attachment import Attachment
from services.storage_backends import AzureBlobStorage, FileMissing, LocalDiskStorage


@dataclass
class MigrationReport:
    copied: int = 0
    present: int = 0
    missing: int = 0


def backends_for(target):
    """(source, target) backends for a migration to `target`."""
    config = current_app.config
    if not config.get("AZURE_STORAGE_CONNECTION_STRING"):
        raise ValueError("AZURE_STORAGE_CONNECTION_STRING is not set")
    local = LocalDiskStorage(config["UPLOAD_DIR"])
    azure = AzureBlobStorage(config["AZURE_STORAGE_CONNECTION_STRING"],
                             config["AZURE_STORAGE_CONTAINER"])
    return (local, azure) if target == "azure" else (azure, local)


def migrate(source, target):
    report = MigrationReport()
    for doc in Attachment.collection().find({}, {"storage_key": 1, "mime_type": 1}):
        key = doc["storage_key"]
        if target.exists(key):
            report.present += 1
            continue
        try:
            # One file at a time, streamed chunk by chunk from source to target.
            target.save(key, _ChunkReader(source.open(key)), doc.get("mime_type"))
        except FileMissing:
            report.missing += 1
            continue
        report.copied += 1
    return report


class _ChunkReader:
    """A binary stream (read(n)) over an iterator of byte chunks."""

    def __init__(self, chunks):
        self.chunks, self.buffer = iter(chunks), b""

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data
