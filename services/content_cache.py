"""Cache namespaces of the topic/post/comment hot reads, and their invalidation.

Every write that changes what one of these reads returns calls the matching
`invalidate_*` after it commits. Cached values hold only what every caller
sees; each caller's level, vote flags and visibility are applied per request.
"""
from policies.documents import topic_ns
from utils import cache

TOPIC_LIST = "topics"
TTL = 300


def posts_ns(topic_id):
    return f"posts:{topic_id}"


def comments_ns(post_id):
    return f"comments:{post_id}"


def invalidate_topic(topic_id):
    """The topic itself changed (counters, settings, roles): its page, its cached
    document (policies/documents.py) and every list."""
    cache.bump(TOPIC_LIST, topic_ns(topic_id), posts_ns(topic_id))


def invalidate_posts(topic_id):
    cache.bump(posts_ns(topic_id))


def conversations_ns(user_id):
    return f"conversations:{user_id}"


def invalidate_conversations(*user_ids):
    """A user's DM conversation list changed (a DM sent, read, unsent, deleted or
    restored for them, a conversation hidden or muted). Their own view: per user."""
    cache.bump(*[conversations_ns(u) for u in dict.fromkeys(user_ids) if u is not None])


def invalidate_comments(post_id, topic_id=None):
    """A post's comments changed; with `topic_id`, its topic's post lists too (the
    comment count), in the same round trip."""
    cache.bump(comments_ns(post_id), *([posts_ns(topic_id)] if topic_id is not None else []))
