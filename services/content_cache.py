"""Cache namespaces of the topic/post/comment hot reads, and their invalidation.

Every write that changes what one of these reads returns calls the matching
`invalidate_*` after it commits. Cached values hold only what every caller
sees; each caller's level, vote flags and visibility are applied per request.
"""
from models.topic import Topic
from policies.documents import topic_ns
from services.activity_counts import ActivityCounts
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


# A topic's post_count and last_activity: written at most once a second per topic,
# each write dropping the topic's cached document and the lists that show them.
TOPIC_ACTIVITY = ActivityCounts("topicactivity", Topic, "post_count", on_flush=invalidate_topic)


def count_new_post(topic_id):
    """A post was added: its topic's pages now (one round trip), its counters within
    about a second (services/activity_counts.py)."""
    TOPIC_ACTIVITY.touch(topic_id, cache.cache_key("version", posts_ns(topic_id)))


def change_post_count(topic_id, delta):
    """A post left its topic or came back (a deletion, its reversal): a burst's pending
    count is written first, so the topic shows the exact count at once."""
    TOPIC_ACTIVITY.flush(topic_id)
    Topic.apply(topic_id, extra={"$inc": {"post_count": delta}})
    invalidate_topic(topic_id)


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
