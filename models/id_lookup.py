"""`get` by id alone for soft-deleted collections.

The embedded SecantusDB planner scans the whole collection for
`{_id: X, is_deleted: false}` (it only uses an index when every predicate is
in it), so the live check is done on the fetched document instead: one
`_id` index lookup on every server.
"""
from models.base import parse_id


class IdLookup:
    @classmethod
    def get(cls, doc_id, include_deleted=False, projection=None):
        oid = parse_id(doc_id)
        if oid is None:
            return None
        doc = cls.collection().find_one({"_id": oid}, projection)
        if doc is None or (cls.soft_delete and not include_deleted and doc.get("is_deleted")):
            return None
        return doc

    @classmethod
    def by_ids(cls, ids, include_deleted=False, projection=None):
        """Documents whose ids are in `ids` (an `_id` index scan), live ones unless asked."""
        projection = dict(projection, is_deleted=1) if projection else None
        docs = cls.collection().find({"_id": {"$in": list(ids)}}, projection)
        return [d for d in docs if include_deleted or not d.get("is_deleted")]
