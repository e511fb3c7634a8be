"""Hot facts of the chat send path, kept in Redis (DESIGN: one write per message,
hot reads in Redis).

- the room document (`room(room_id)`), for ROOM_TTL seconds, and its topic's id
  (`room_topic_key`, so a read can fetch the topic's document in the same command);
- the room's latest history page (namespace `history_ns`, HISTORY_TTL seconds),
  bumped by every new message (`touch_room`), deletion (`invalidate_history`) and
  membership or role change (`invalidate_facts`: the owner/moderator flags); a
  change of an author's name or picture shows within HISTORY_TTL;
- (the (room, user) facts, role and bans, are the user's facts: policies/facts.py);
- the room's `seq` counter (`next_seq(stream, seed)`), a Redis INCR seeded
  from the highest stored seq when the key is missing;
- the room's `last_activity` / `message_count`, written to MongoDB at most
  once per second per room (`touch_room`, services/activity_counts.py).

The TTL only bounds how long a missed invalidation could last: every write
that changes one of these facts calls the matching `invalidate_*` right after
it commits (services/chat_rooms.py, topic_moderation.py, moderation.py).
Values are MongoDB extended JSON, so ObjectIds and datetimes come back as such.
"""
from models.base import parse_id
from models.chat_room import ChatRoom
from policies import facts
from services.activity_counts import ActivityCounts
from utils.cache import bump, cache_key, read_raw, script
from utils.cache import dump_doc as _dump
from utils.cache import load_doc as _load
from utils.redis_client import get_redis, key

ROOM_TTL = 60
HISTORY_TTL = 60
# What the send path reads of a room (not its pictures, which may be megabytes).
ROOM_FIELDS = {name: 1 for name in ("topic_id", "name", "owner_id", "is_public",
                                    "is_group_chat", "settings", "voip_enabled")}


def room_key(room_id):
    return key("chatcache", "room_bson", room_id)  # utils.cache.dump_doc


def room_topic_key(room_id):
    return key("chatcache", "room_topic", room_id)


def history_ns(room_id):
    return f"room_history:{room_id}"


def invalidate_history(room_id):
    bump(history_ns(room_id))


# ----- the room document -----

def room(room_id):
    """The live room with this id (None if unknown or deleted), cached: ROOM_FIELDS only."""
    oid = parse_id(room_id)
    if oid is None:
        return None
    _, raw = read_raw(room_key(oid))  # a `cache.prefetch` may have brought it
    if raw is not None:
        return _load(raw)
    doc = ChatRoom.get(oid, projection=ROOM_FIELDS)
    pipe = get_redis().pipeline()
    pipe.set(room_key(oid), _dump(doc), ex=ROOM_TTL)
    if doc is not None:  # "" for a group chat: a room's topic never changes
        pipe.set(room_topic_key(oid), str(doc.get("topic_id") or ""), ex=ROOM_TTL)
    pipe.execute()
    return doc


def invalidate_room(room_id):
    get_redis().delete(room_key(room_id))
    invalidate_history(room_id)


# ----- (room, user) facts: kept by the one facts loader (policies/facts.py) -----

def invalidate_facts(room_id, user_id):
    """A membership, role or ban of `user_id` in a room changed (the history shows
    who is owner or moderator)."""
    facts.invalidate(user_id)
    invalidate_history(room_id)


def invalidate_topic_facts(topic_id, user_id):
    """A topic ban or unban changes the user's facts in every room of the topic."""
    facts.invalidate(user_id)


# ----- seq -----

def seq_key(stream):
    return key("seq", stream)


_INCR_IF_SET = """
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incr', KEYS[1]) end
return false
"""


def next_seq(stream, seed):
    """The next seq of `stream`. When the Redis key is missing (first use, a flush)
    it is first set to `seed()`, the highest seq already handed out, so a seq is
    never reused; SET NX makes concurrent seeders agree."""
    redis = get_redis()
    name = seq_key(stream)
    value = script(_INCR_IF_SET)(keys=[name])  # one round trip (EVALSHA) on the hot path
    if value is None:
        redis.set(name, int(seed()), nx=True)
        value = redis.incr(name)
    return int(value)


def current_seq(stream, seed):
    """The last seq handed out in `stream` (the Redis counter, else `seed()`)."""
    value = get_redis().get(seq_key(stream))
    return int(value) if value is not None else int(seed())


# ----- last_activity / message_count, folded out of the hot path -----

ROOM_ACTIVITY = ActivityCounts("chatcache", ChatRoom, "message_count")


def touch_room(room_id):
    """Count one message and drop the cached history page, in one round trip; the
    room's counters are written now if not already this second (activity_counts)."""
    ROOM_ACTIVITY.touch(room_id, cache_key("version", history_ns(room_id)))
