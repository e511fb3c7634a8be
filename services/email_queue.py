"""The queue of notification emails, in Redis, so it outlives any one process.

Two stages, each an atomic step:

- *pending*: `notify()` appends the notification id to the recipient's list
  and files the recipient in the `due` sorted set at `now + delay` (NX: the
  first notification of a window sets the time, later ones join the batch).
- *sealed batch*: at due time the worker turns the pending list into a batch
  with its own id (Lua, so a notification arriving meanwhile either makes it
  into this batch or opens the next window) and files it in `batches`, scored
  by when to (re)try it.

A batch is sent by whoever claims it (SET NX with a TTL), and forgotten only
after the send succeeded, with a `sent` marker kept for a week: a process that
dies mid-send leaves the batch to be claimed again when its claim runs out
(not lost), and a second worker never sends a batch that is claimed or marked
sent (not doubled). The batch id also goes out as the Message-ID, so the one
remaining window (the provider accepted, the process died before the marker)
yields a copy that mail systems recognise as the same message.

Keys are per deployment (the database name), like the periodic jobs' leases.
"""
import uuid

from flask import current_app

from utils.redis_client import get_redis, key

SENT_MARKER_SECONDS = 7 * 86400

# Seal the pending list of one recipient into a batch, if the recipient is due.
_SEAL = """
local score = redis.call('zscore', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
redis.call('zrem', KEYS[1], ARGV[1])
local ids = redis.call('lrange', KEYS[2], 0, -1)
redis.call('del', KEYS[2])
if #ids == 0 then return 0 end
redis.call('hset', KEYS[4], 'user_id', ARGV[1], 'kind', ARGV[4],
           'ids', table.concat(ids, ','), 'attempts', 0)
redis.call('zadd', KEYS[3], ARGV[2], ARGV[3])
return 1
"""

def _key(*parts):
    return key("email", current_app.config["MONGO_DB_NAME"], *parts)


def _due():
    return _key("due")


def _pending(user_id):
    return _key("pending", user_id)


def _batches():
    return _key("batches")


def _batch(batch_id):
    return _key("batch", batch_id)


def _claim(batch_id):
    return _key("claim", batch_id)


def _sent(batch_id):
    return _key("sent", batch_id)


# ----- pending: filled by notify(), emptied when the recipient reads -----

def enqueue(user_id, notification_id, due_at):
    """Add one notification to the recipient's window (opened at `due_at` if none is)."""
    pipe = get_redis().pipeline()  # MULTI/EXEC: both or neither, against a concurrent seal
    pipe.rpush(_pending(user_id), str(notification_id))
    pipe.zadd(_due(), {str(user_id): due_at}, nx=True)
    pipe.execute()


def cancel_pending(user_id):
    """Forget the recipient's open window (they read everything before it was due)."""
    pipe = get_redis().pipeline()
    pipe.delete(_pending(user_id))
    pipe.zrem(_due(), str(user_id))
    pipe.execute()


def pending_ids(user_id):
    return get_redis().lrange(_pending(user_id), 0, -1)


def due_at(user_id):
    return get_redis().zscore(_due(), str(user_id))


# ----- sealed batches -----

def seal_due(now, kind="missed", limit=500):
    """Seal every recipient whose window is due; returns the new batch ids."""
    redis = get_redis()
    sealed = []
    for user_id in redis.zrangebyscore(_due(), "-inf", now, start=0, num=limit):
        batch_id = uuid.uuid4().hex
        keys = [_due(), _pending(user_id), _batches(), _batch(batch_id)]
        if redis.eval(_SEAL, len(keys), *keys, user_id, now, batch_id, kind):
            sealed.append(batch_id)
    return sealed


def add_batch(user_id, kind, ids, batch_id, now):
    """File a batch directly (the digest: one per user and period, so its id is fixed)."""
    redis = get_redis()
    if redis.exists(_sent(batch_id)):
        return False
    if not redis.hsetnx(_batch(batch_id), "user_id", str(user_id)):
        return False  # already queued
    redis.hset(_batch(batch_id), mapping={"kind": kind, "ids": ",".join(ids), "attempts": 0})
    redis.zadd(_batches(), {batch_id: now}, nx=True)
    return True


def ready_batches(now, limit=100):
    return get_redis().zrangebyscore(_batches(), "-inf", now, start=0, num=limit)


def load(batch_id):
    """`{user_id, kind, ids, attempts}` or None when the batch is gone."""
    doc = get_redis().hgetall(_batch(batch_id))
    if not doc.get("user_id"):
        return None
    return {"user_id": doc["user_id"], "kind": doc.get("kind", "missed"),
            "ids": [i for i in doc.get("ids", "").split(",") if i],
            "attempts": int(doc.get("attempts", 0))}


def claim(batch_id, token, ttl_ms):
    """True when this caller may send the batch now (nobody else holds it, not sent)."""
    redis = get_redis()
    if redis.exists(_sent(batch_id)):
        forget(batch_id)  # sent by someone who died before tidying up
        return False
    return bool(redis.set(_claim(batch_id), token, nx=True, px=ttl_ms))


def mark_sent(batch_id):
    """The send succeeded: remember it (a late claimer skips it) and drop the batch."""
    redis = get_redis()
    redis.set(_sent(batch_id), "1", ex=SENT_MARKER_SECONDS)
    forget(batch_id)


def was_sent(batch_id):
    return bool(get_redis().exists(_sent(batch_id)))


def forget(batch_id):
    pipe = get_redis().pipeline()
    pipe.zrem(_batches(), batch_id)
    pipe.delete(_batch(batch_id))
    pipe.delete(_claim(batch_id))
    pipe.execute()


def retry_at(batch_id, when):
    """Count a failed attempt and put the batch back for `when`; returns the attempt count."""
    pipe = get_redis().pipeline()
    pipe.hincrby(_batch(batch_id), "attempts", 1)
    pipe.zadd(_batches(), {batch_id: when}, xx=True)
    pipe.delete(_claim(batch_id))
    return pipe.execute()[0]
