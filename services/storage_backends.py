"""Where stored files' bytes live: one interface, two backends, chosen by
STORAGE_BACKEND (local | azure).

    save(key, data, content_type)  data: bytes or a binary stream
    open(key)                      an iterator of byte chunks (streamed)
    read(key)                      the whole file (small files, migration)
    delete(key), exists(key)

A missing file raises FileMissing; a storage service that cannot be reached
raises StorageUnavailable (503, never a 500).

Readers always get the bytes through Parley, after its access check (see
services/attachments.py), never from a URL of the store: the check runs on
every read (a deleted message's file stops being served at once), the
response keeps Parley's Content-Disposition, nosniff and sandbox CSP headers,
and no storage credential or signed URL ever reaches a client.
"""
import io
import logging
import os

import functools
from types import SimpleNamespace

from utils.errors import AppError

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024


class FileMissing(LookupError):
    """No file is stored under this key."""


class StorageUnavailable(AppError):
    status, code, default_message = 503, "storage_unavailable", "File storage is unavailable"


def _stream(data):
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data


class LocalDiskStorage:
    name = "local"

    def __init__(self, root):
        self.root = root

    def _path(self, key):
        return os.path.join(self.root, key[:2], key)

    def save(self, key, data, content_type=None):
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        source = _stream(data)
        with open(path, "wb") as handle:
            while chunk := source.read(CHUNK_BYTES):
                handle.write(chunk)

    def open(self, key):
        try:
            handle = open(self._path(key), "rb")
        except FileNotFoundError:
            raise FileMissing(key) from None
        return _chunks(handle)

    def read(self, key):
        return b"".join(self.open(key))

    def delete(self, key):
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass

    def exists(self, key):
        return os.path.isfile(self._path(key))


def _chunks(handle):
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


@functools.cache
def azure_sdk():
    """The Azure SDK, imported the first time the Azure backend is used: it is a
    fifth of a second of every start-up, and most deployments store on local disk
    (a third-party import, so no cycle is at stake)."""
    from azure.core import exceptions
    from azure.storage import blob

    return SimpleNamespace(blob=blob, errors=exceptions)


class AzureBlobStorage:
    """One container of an Azure Blob Storage account (created if missing)."""

    name = "azure"

    def __init__(self, connection_string, container):
        # The SDK's default retry waits 15 s, then 45 s: a request would hang for a
        # minute on an outage. Two quick retries, then a 503.
        sdk = azure_sdk()
        retry = sdk.blob.ExponentialRetry(initial_backoff=0.5, increment_base=2, retry_total=2,
                                 random_jitter_range=0.5)
        service = sdk.blob.BlobServiceClient.from_connection_string(
            connection_string, connection_timeout=5, read_timeout=30, retry_policy=retry,
            max_single_put_size=4 * 1024 * 1024, max_block_size=4 * 1024 * 1024)
        self.container = service.get_container_client(container)
        self._container_ready = False

    def _blob(self, key):
        return self.container.get_blob_client(key)

    def _ensure_container(self):
        if self._container_ready:
            return
        try:
            self.container.create_container()
        except azure_sdk().errors.ResourceExistsError:
            pass
        self._container_ready = True

    def save(self, key, data, content_type=None):
        with _azure_errors():
            self._ensure_container()
            self._blob(key).upload_blob(
                _stream(data), overwrite=True,
                content_settings=azure_sdk().blob.ContentSettings(content_type=content_type))

    def open(self, key):
        with _azure_errors():
            try:
                downloader = self._blob(key).download_blob()
            except azure_sdk().errors.ResourceNotFoundError:
                raise FileMissing(key) from None
        return downloader.chunks()

    def read(self, key):
        return b"".join(self.open(key))

    def delete(self, key):
        with _azure_errors():
            try:
                self._blob(key).delete_blob()
            except azure_sdk().errors.ResourceNotFoundError:
                pass

    def exists(self, key):
        with _azure_errors():
            return self._blob(key).exists()


class _azure_errors:
    """Turn a failing storage service into a 503 (the cause is logged, not sent)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        errors = azure_sdk().errors
        if exc is not None and isinstance(exc, errors.AzureError) and not isinstance(
                exc, errors.ResourceNotFoundError):
            log.warning("Azure Blob Storage failed: %s", type(exc).__name__)
            raise StorageUnavailable() from None
        return False


def backend_from_config(config):
    """The storage backend STORAGE_BACKEND names (config.py refuses other values)."""
    if config["STORAGE_BACKEND"] == "azure":
        return AzureBlobStorage(config["AZURE_STORAGE_CONNECTION_STRING"],
                                config["AZURE_STORAGE_CONTAINER"])
    return LocalDiskStorage(config["UPLOAD_DIR"])
