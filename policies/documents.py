"""Cached copies of the documents the policies decide from, so a cached read
makes no MongoDB command (issue 12).

- A topic document lives in the topic's cache namespace (`topic:<id>`), which
  `services/content_cache.invalidate_topic` bumps after every topic write
  (settings, deletion, restoring, ownership, counters): a topic turned
  invite-only or deleted is seen by the very next request.
- Which topic a post belongs to never changes and posts are never removed (a
  deletion is a flag), so that id is cached for a while without invalidation.
- What a new comment needs of its post (author, title, deleted or not) is cached
  in the post's topic namespace too: a post's deletion and its reversal (by its
  author, a moderator, an admin, or with its topic) all bump it, and no other
  write changes those fields (a post has no edit).
"""
from models.base import parse_id
from models.post import Post
from models.topic import Topic
from utils import cache
from utils.redis_client import get_redis

TOPIC_TTL = 300
POST_TOPIC_TTL = 3600


def topic_ns(topic_id):
    return f"topic:{topic_id}"


def topic_key(topic_id):
    return cache.versioned_key(topic_ns(topic_id), "bson")


def post_topic_key(post_id):
    return cache.cache_key("post_topic", str(post_id))


def post_head_key(topic_id, post_id):
    """A post's `POST_HEAD` fields, in its topic's namespace (`topic_id` may be REF)."""
    return cache.versioned_key(topic_ns(topic_id), f"post:{post_id}:bson")


# The fields a comment reads of its post (services/comments.py): visibility, the
# author to notify and the title the notification shows.
POST_HEAD = {"topic_id": 1, "user_id": 1, "title": 1}

# The topic whose id is the value of the first key of a `cache.prefetch` (a post's
# `post_topic_key`, a room's `chat_cache.room_topic_key`).
TOPIC_OF_REF = cache.versioned_key(topic_ns(cache.REF), "bson")


def post_and_topic_names(post_id):
    """The first names of a plan that reads a post's topic: the post's topic id (first,
    so REF is filled from it) and that topic's document. Names holding REF may follow."""
    return post_topic_key(post_id), TOPIC_OF_REF


def topic(topic_id, include_deleted=False):
    """The topic document (None if missing, or deleted unless asked)."""
    oid = parse_id(topic_id)
    if oid is None:
        return None
    doc = cache.cached_doc(topic_key(oid), TOPIC_TTL,
                           lambda: Topic.get(oid, include_deleted=True))
    if doc is None or (doc.get("is_deleted") and not include_deleted):
        return None
    return doc


def topic_id_of_post(post_id):
    """The topic id of a post (deleted or not), None if there is no such post."""
    oid = parse_id(post_id)
    if oid is None:
        return None
    name, raw = cache.read_raw(post_topic_key(oid))
    if raw is not None:
        return parse_id(raw)
    post = Post.get(oid, include_deleted=True, projection={"topic_id": 1})
    if post is None:
        return None  # not cached: nothing to invalidate when it appears
    get_redis().set(name, str(post["topic_id"]), ex=POST_TOPIC_TTL)
    return post["topic_id"]


def post_head(post_id):
    """`POST_HEAD` of a live post (None if missing or deleted), from the cache."""
    oid = parse_id(post_id)
    topic_id = topic_id_of_post(oid)
    if topic_id is None:
        return None
    doc = cache.cached_doc(post_head_key(topic_id, oid), TOPIC_TTL,
                           lambda: Post.get(oid, include_deleted=True, projection=POST_HEAD))
    return None if doc is None or doc.get("is_deleted") else doc
