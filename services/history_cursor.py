"""History cursors: a message id given as `before_message_id` / `after_message_id`
maps to the message's `seq` in its stream.

A client resuming after a reconnect may hold the id of a message the server no
longer has (deleted from disk by a crash of a non-durable server, restored
from an older backup, ...). Answering 404 would leave it unable to catch up at
all, so such an id maps to the point in time its ObjectId carries: the highest
seq stored strictly before that second. Catch-up then answers every message
from that second on, possibly a few the client already has (it de-duplicates
by id), never fewer than it missed.
"""
from datetime import timedelta

from bson import ObjectId
from pymongo import DESCENDING

from models.base import parse_id
from utils.errors import NotFound
from utils.time import utcnow

# An id "from the future" was never issued here: it is a bad cursor, not a lost one.
CLOCK_SKEW = timedelta(minutes=5)


def cursor_seq(model, stream, message_id):
    """The seq `message_id` stands for in `stream` (a filter); 404 for a malformed id."""
    oid = parse_id(message_id)
    if oid is None:
        raise NotFound("Message not found")
    doc = model.find_one({"_id": oid, **stream}, include_deleted=True, projection={"seq": 1})
    if doc is not None:
        return doc["seq"]
    if oid.generation_time > utcnow() + CLOCK_SKEW:
        raise NotFound("Message not found")
    return seq_before(model, stream, oid)


def seq_before(model, stream, oid):
    """Highest seq in `stream` among messages created before `oid`'s second (0: none)."""
    # ObjectIds made in one second by different processes are not ordered, so the
    # bound is the start of the id's second, not the id itself.
    floor = ObjectId.from_datetime(oid.generation_time)
    docs = model.find({"_id": {"$lt": floor}, **stream}, include_deleted=True,
                      projection={"seq": 1}, sort=[("seq", DESCENDING)], limit=1)
    return docs[0]["seq"] if docs else 0
