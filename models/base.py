"""A small base over pymongo: declared fields, defaults, id handling, timestamps,
soft delete and JSON-safe serialisation. Documents stay plain dicts (what
pymongo returns); the model class holds the operations on its collection.
"""
from datetime import datetime, timezone

from bson import ObjectId
from bson.errors import InvalidId
from flask import current_app

from utils.errors import NotFound
from utils.time import isoformat, utcnow


class Field:
    """A declared field: its default (a value or a callable) and whether it is private."""

    def __init__(self, default=None, private=False):
        self.default = default
        self.private = private

    def make_default(self):
        return self.default() if callable(self.default) else self.default


def parse_id(value):
    """An ObjectId from a 24-hex string (or ObjectId); None when malformed."""
    if isinstance(value, ObjectId):
        return value
    if isinstance(value, str) and len(value) == 24:
        try:
            return ObjectId(value)
        except InvalidId:
            return None
    return None


def to_json_safe(value):
    """Recursively turn ObjectIds into strings and datetimes into ISO strings."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, dict):
        return {key: to_json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(item) for item in value]
    return value


class BaseModel:
    """Subclasses set `collection_name`, `fields` and `indexes`; they add domain queries."""

    collection_name: str = ""
    fields: dict = {}
    indexes: list = []
    soft_delete: bool = False
    not_found_message = "Not found"
    _registry: list = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.collection_name:
            BaseModel._registry.append(cls)

    @staticmethod
    def registry():
        return list(BaseModel._registry)

    @classmethod
    def collection(cls):
        return current_app.extensions["mongo_db"][cls.collection_name]

    # ----- building -----
    @classmethod
    def new(cls, **values):
        """A document with every declared field defaulted, plus timestamps; not saved."""
        unknown = set(values) - set(cls.fields) - {"_id", "created_at", "updated_at"}
        if unknown:
            raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        now = utcnow()
        doc = {name: field.make_default() for name, field in cls.fields.items()}
        doc.update(values)
        doc.setdefault("created_at", now)
        doc["updated_at"] = now
        if cls.soft_delete:
            doc.setdefault("is_deleted", False)
            doc.setdefault("deleted_at", None)
        return doc

    @classmethod
    def insert(cls, **values):
        doc = cls.new(**values)
        result = cls.collection().insert_one(doc)
        doc["_id"] = result.inserted_id
        for hook in BaseModel._insert_hooks.get(cls.collection_name, ()):
            hook(doc)
        return doc

    # ----- reading -----
    @classmethod
    def live_filter(cls, query=None):
        query = dict(query or {})
        if cls.soft_delete and "is_deleted" not in query:
            query["is_deleted"] = False
        return query

    @classmethod
    def get(cls, doc_id, include_deleted=False, projection=None):
        """The document with this id, or None (also for a malformed id).

        Looked up by `_id` alone and checked for soft deletion afterwards: the
        embedded SecantusDB planner scans the collection for `{_id, is_deleted}`
        (it uses an index only when every predicate is in it); this is one
        `_id` index lookup on every server.
        """
        oid = parse_id(doc_id)
        if oid is None:
            return None
        doc = cls.collection().find_one({"_id": oid}, cls._with_deleted_flag(projection))
        return doc if doc is None or include_deleted or not cls._is_deleted(doc) else None

    @classmethod
    def by_ids(cls, ids, include_deleted=False, projection=None):
        """Documents whose ids are in `ids` (an `_id` index scan), live ones unless asked."""
        oids = [oid for oid in (parse_id(i) for i in ids) if oid is not None]
        docs = cls.collection().find({"_id": {"$in": oids}}, cls._with_deleted_flag(projection))
        return [doc for doc in docs if include_deleted or not cls._is_deleted(doc)]

    @classmethod
    def _with_deleted_flag(cls, projection):
        if projection and cls.soft_delete:
            return {**projection, "is_deleted": 1} if isinstance(projection, dict) else projection
        return projection

    @classmethod
    def _is_deleted(cls, doc):
        return cls.soft_delete and bool(doc.get("is_deleted"))

    @classmethod
    def get_or_404(cls, doc_id, message=None, **kwargs):
        doc = cls.get(doc_id, **kwargs)
        if doc is None:
            raise NotFound(message or cls.not_found_message)
        return doc

    @classmethod
    def find_one(cls, query, include_deleted=False, **kwargs):
        query = query if include_deleted else cls.live_filter(query)
        return cls.collection().find_one(query, **kwargs)

    @classmethod
    def find(cls, query=None, sort=None, skip=0, limit=0, include_deleted=False, projection=None):
        query = query if include_deleted else cls.live_filter(query)
        cursor = cls.collection().find(query, projection)
        if sort:
            cursor = cursor.sort(sort)
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)

    @classmethod
    def count(cls, query=None, include_deleted=False):
        query = query if include_deleted else cls.live_filter(query)
        return cls.collection().count_documents(query)

    # ----- writing -----
    # Callbacks run with the ObjectId after `update`/`delete` of a document of a
    # collection, so caches of single documents (utils/auth's signed-in user) drop
    # their copy. Writes that bypass update/delete must invalidate by themselves.
    _write_hooks: dict = {}
    # Callbacks run with the new document after `insert` (caches derived from several
    # documents, such as policies/facts.py's blocks, drop what it changes).
    _insert_hooks: dict = {}

    @classmethod
    def on_insert(cls, hook):
        BaseModel._insert_hooks.setdefault(cls.collection_name, []).append(hook)

    @classmethod
    def on_write(cls, hook):
        BaseModel._write_hooks.setdefault(cls.collection_name, []).append(hook)

    @classmethod
    def _written(cls, oid):
        for hook in BaseModel._write_hooks.get(cls.collection_name, ()):
            hook(oid)

    @staticmethod
    def _update_doc(set_, unset, extra):
        update = dict(extra or {})
        update["$set"] = {**(set_ or {}), "updated_at": utcnow()}
        if unset:
            update["$unset"] = {name: "" for name in unset}
        return update

    @classmethod
    def update(cls, doc_id, set_=None, unset=None, extra=None, query=None):
        """Apply `$set`/`$unset` (plus any `extra` operators) and return the new document
        (None when there is no such document, or `query` did not match it)."""
        oid = parse_id(doc_id)
        if oid is None:
            return None
        return cls.update_where(oid, query or {}, cls._update_doc(set_, unset, extra))

    @classmethod
    def update_where(cls, oid, condition, update):
        """Apply `update` to document `oid` if it also matches `condition`; the document
        after it, or None. The condition and the update are one atomic `update` command,
        then the document is read by `_id`: two commands through the `_id` index, where
        one findAndModify would do on MongoDB but makes the embedded SecantusDB scan the
        whole collection (60-80 ms at 5,000 documents, 214 ms at 20,000). The document
        read may already carry a later write; the condition held for this one."""
        result = cls.collection().update_one({"_id": oid, **condition}, update)
        cls._written(oid)
        if result.matched_count == 0:
            return None
        return cls.collection().find_one({"_id": oid})

    @classmethod
    def apply(cls, doc_id, set_=None, unset=None, extra=None):
        """`update` for a caller that does not need the document back (a counter, a
        timestamp): one `update` command, which the embedded SecantusDB serves through
        the `_id` index where its findAndModify scans the collection (60-80 ms per call
        at 5,000 documents, growing with them). True if the document was there."""
        oid = parse_id(doc_id)
        if oid is None:
            return False
        result = cls.collection().update_one({"_id": oid}, cls._update_doc(set_, unset, extra))
        cls._written(oid)
        return result.matched_count == 1

    @classmethod
    def mark_deleted(cls, doc_id, **extra_fields):
        """Soft delete: the document stays (threads keep their shape), flagged deleted."""
        return cls.update(doc_id, set_={"is_deleted": True, "deleted_at": utcnow(), **extra_fields})

    @classmethod
    def approve_pending_deletion(cls, doc_id):
        """A soft delete awaiting approval stays for good; None unless it was pending."""
        return cls.update(doc_id, set_={"deletion_status": "approved"},
                          query={"deletion_status": "pending"})

    @classmethod
    def restore_pending_deletion(cls, doc_id, **extra_fields):
        """Undo a soft delete awaiting approval; None unless it was pending."""
        return cls.update(doc_id, set_={"is_deleted": False, "deletion_status": None,
                                        "deleted_at": None, "deleted_by": None,
                                        "permanent_delete_at": None, **extra_fields},
                          query={"deletion_status": "pending"})

    @classmethod
    def delete(cls, doc_id):
        oid = parse_id(doc_id)
        if oid is None:
            return False
        deleted = cls.collection().delete_one({"_id": oid}).deleted_count == 1
        cls._written(oid)
        return deleted

    # ----- output -----
    @classmethod
    def to_public(cls, doc):
        """JSON-safe dict without private fields; `id` and `_id` both carry the hex id."""
        if doc is None:
            return None
        private = {name for name, field in cls.fields.items() if field.private}
        out = {key: to_json_safe(value) for key, value in doc.items() if key not in private}
        if "_id" in doc:
            out["id"] = out["_id"] = str(doc["_id"])
        return out


def utc(dt):
    """A datetime made timezone-aware in UTC (naive values are taken as UTC)."""
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
