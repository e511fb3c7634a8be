"""Cache namespaces of the topic/post/comment hot reads, and their invalidation.

Every write that changes what one of these reads returns calls the matching
`invalidate_*` after it commits. Cached values hold only what every caller
sees; each caller's level, vote flags and visibility are applied per request.
"""
from models.post import Post
from models.topic import Topic
from policies.documents import topic_id_of_post, topic_ns
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


# ----- counters a burst would rewrite with every write (services/activity_counts.py) -----

# A topic's post_count and last_activity: each write drops the topic's cached
# document and the lists that show them.
TOPIC_ACTIVITY = ActivityCounts("topicactivity", Topic, "post_count", on_flush=invalidate_topic)


def _comment_count_written(post_id):
    invalidate_comments(post_id, topic_id_of_post(post_id))


# A post's comment_count (posts have no activity time): each write drops its
# comments and its topic's post lists.
POST_ACTIVITY = ActivityCounts("postactivity", Post, "comment_count",
                               on_flush=_comment_count_written, activity_field=None)


def count_new_post(topic_id):
    """A post was added: its topic's post lists now (one round trip), its counters
    within about a second."""
    TOPIC_ACTIVITY.touch(topic_id, cache.cache_key("version", posts_ns(topic_id)))


def count_new_comment(post_id):
    """A comment was added: its post's comments now, its count within about a second."""
    POST_ACTIVITY.touch(post_id, cache.cache_key("version", comments_ns(post_id)))
