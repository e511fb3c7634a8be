"""A document's running count (and its `last_activity`), written to MongoDB at
most once per second per document (DESIGN: one write per message).

A busy chat room, topic or post would otherwise rewrite its own document with
every message, post or comment: a second journaled write on each, in the
database that bounds the write rate. `touch(doc_id)` counts one in Redis (a
pending count, the id in a dirty set) and writes the pending count now only if
none was written in the last second; the periodic pass
(`CHAT_COUNTER_FLUSH_SECONDS`) writes the rest. So a lone message, post or
comment shows in its count at once, a burst's within about a second, and nothing
is lost: a pending count stays in Redis until a flush takes it (GETDEL) and
applies it, and goes back if MongoDB refuses the update.
"""
import logging

from pymongo.errors import OperationFailure, PyMongoError
from redis.exceptions import RedisError

from models.base import parse_id
from services.periodic import start_periodic
from utils.redis_client import get_redis, key
from utils.time import utcnow

log = logging.getLogger(__name__)

TOUCH_INTERVAL_MS = 1000

# Take a document's pending count and forget it is dirty, in one step.
_TAKE = """
local n = redis.call('getdel', KEYS[1])
redis.call('srem', KEYS[2], ARGV[1])
return n
"""


class ActivityCounts:
    """`count_field` (and `activity_field`, a timestamp, unless None) of one
    collection's documents (`model`), under the Redis keys `prefix:pending:<id>`,
    `prefix:touched:<id>` and `prefix:dirty`; `on_flush(doc_id)` runs after each
    write (the caches that show the count to drop)."""

    kinds = []  # every instance: the periodic pass flushes them all, none forgotten

    def __init__(self, prefix, model, count_field, on_flush=None,
                 activity_field="last_activity"):
        self.prefix, self.model, self.count_field = prefix, model, count_field
        self.on_flush, self.activity_field = on_flush, activity_field
        self.dirty = key(prefix, "dirty")
        ActivityCounts.kinds.append(self)

    def pending_key(self, doc_id):
        return key(self.prefix, "pending", doc_id)

    def touched_key(self, doc_id):
        return key(self.prefix, "touched", doc_id)

    def touch(self, doc_id, *versions_to_bump):
        """Count one for `doc_id`, and INCR `versions_to_bump` (cache version keys
        the same write invalidates) in the same round trip."""
        pipe = get_redis().pipeline()
        pipe.incr(self.pending_key(doc_id))
        pipe.sadd(self.dirty, str(doc_id))
        pipe.set(self.touched_key(doc_id), "1", nx=True, px=TOUCH_INTERVAL_MS)
        for name in versions_to_bump:
            pipe.incr(name)
        if not pipe.execute()[2]:  # not the first this second: a later flush writes it
            return
        try:
            self.flush(doc_id)
        except (PyMongoError, RedisError) as exc:
            # The message or post itself is stored: failing its request now would
            # have the client send it twice. The count waits for the next pass.
            log.warning("%s counters of %s not written yet: %s", self.prefix, doc_id, exc)

    def flush(self, doc_id):
        """Move the pending count of `doc_id` into MongoDB (one update, if any)."""
        self._write(doc_id, self._take(doc_id), 0)

    def add_now(self, doc_id, delta):
        """A change that must show at once (a deletion, its reversal): written in the
        same update as a burst's pending count, so the count shown is exact.

        The caller's own write (the deletion) is stored, and caches hold what it
        changed (a post's head, policies/documents.py): they are dropped even when
        MongoDB refuses the count, which then waits, `delta` included, for the next
        pass, as `touch`'s does."""
        try:
            self._write(doc_id, self._take(doc_id), delta)
        except PyMongoError as exc:
            log.warning("%s counters of %s not written yet: %s", self.prefix, doc_id, exc)
            if self.on_flush is not None:
                self.on_flush(doc_id)

    def _take(self, doc_id):
        keys = (self.pending_key(doc_id), self.dirty)
        return int(get_redis().eval(_TAKE, 2, *keys, str(doc_id)) or 0)

    def _write(self, doc_id, pending, delta):
        if not pending and not delta:
            return
        update = {"$inc": {self.count_field: pending + delta}}
        if pending and self.activity_field:  # activity is what was counted, not a deletion
            update["$set"] = {self.activity_field: utcnow()}
        try:
            self.model.collection().update_one({"_id": parse_id(doc_id)}, update)
        except Exception:
            if pending + delta:
                self._put_back(doc_id, pending + delta)
            raise
        if self.on_flush is not None:
            self.on_flush(doc_id)

    def flush_all(self):
        for doc_id in get_redis().smembers(self.dirty):
            try:
                self.flush(doc_id)
            except OperationFailure as exc:  # refused for this document: the others go on
                log.warning("%s counters of %s refused: %s", self.prefix, doc_id, exc)

    def _put_back(self, doc_id, count):
        # For the next pass; should the update have landed after all (a lost
        # reply), the count is over by `count`: better than losing a burst.
        pipe = get_redis().pipeline()
        pipe.incrby(self.pending_key(doc_id), count)
        pipe.sadd(self.dirty, str(doc_id))
        pipe.execute()


def flush_all():
    """The periodic pass: every document of every kind with a pending count."""
    for counts in ActivityCounts.kinds:
        counts.flush_all()


def start(app):
    """The periodic flush (CHAT_COUNTER_FLUSH_SECONDS; 0 = off, as in the tests)."""
    return start_periodic(app, "chat_counter_flush", app.config["CHAT_COUNTER_FLUSH_SECONDS"],
                          flush_all)
