"""The digest email: once a day or once a week (each user's `email_digest`),
the top new posts and the busiest chat rooms of the topics they belong to.

`schedule_due(now)` runs inside the queue worker's pass. From EMAIL_DIGEST_HOUR
(UTC) on, the first pass of a day (of a week, on Mondays, for weekly) files
one batch per subscriber; the batch id names the user and the period, so a
second pass, a second worker or a restart files nothing twice. A digest with
nothing new is dropped at send time, like a missed-message batch that was read.
Topics are filtered through NotificationService.should_notify, so a muted or
silenced topic stays out and `notifications_enabled: false` means no digest.
"""
from datetime import datetime, timedelta, timezone

from flask import current_app

from models.chat_room import ChatRoom
from models.post import Post
from models.topic import Topic, TopicMember
from models.user import User
from services import email_prefs, email_queue, email_render
from services.notifications import NotificationService
from utils.redis_client import get_redis, key

MAX_TOPICS = 50
TOP_POSTS = 5
BUSIEST_ROOMS = 5
PERIOD_DAYS = {"daily": 1, "weekly": 7}


def _period(frequency, moment):
    """The period key for `moment`, or None when no digest of this kind is due then."""
    if moment.hour < current_app.config["EMAIL_DIGEST_HOUR"]:
        return None
    if frequency == "daily":
        return moment.date().isoformat()
    if moment.weekday() != 0:
        return None  # weekly digests go out on Mondays
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def schedule_due(now):
    """File the digests due at `now` (epoch seconds); returns how many."""
    moment = datetime.fromtimestamp(now, timezone.utc)
    filed = 0
    for frequency in PERIOD_DAYS:
        period = _period(frequency, moment)
        marker = key("email", current_app.config["MONGO_DB_NAME"], "digest", frequency, period)
        if period is None or not get_redis().set(marker, "1", nx=True, ex=8 * 86400):
            continue
        for user in User.find({"preferences.email_digest": frequency}, projection={"_id": 1}):
            batch_id = f"digest-{frequency}-{period}-{user['_id']}"
            filed += email_queue.add_batch(user["_id"], "digest", [frequency, str(int(now))],
                                           batch_id, now)
    return filed


def build(user, batch, batch_id):
    """The digest email for a filed batch, or None (unsubscribed, or nothing new)."""
    frequency, filed_at = batch["ids"][0], int(batch["ids"][1])
    if email_prefs.digest_frequency(user) != frequency:
        return None
    since = datetime.fromtimestamp(filed_at, timezone.utc) - timedelta(days=PERIOD_DAYS[frequency])
    topics = _followed_topics(user)
    posts, rooms = _top_posts(topics, since), _busiest_rooms(topics, since)
    if not posts and not rooms:
        return None
    subject = email_render.strings(email_prefs.language(user)).digest_subject(frequency)
    return email_render.render(user, "digest", "digest", batch_id, subject,
                               posts=posts, rooms=rooms, frequency=frequency)


def _followed_topics(user):
    """`{topic_id: title}` of the user's topics that are not muted or silenced for them."""
    ids = [m["topic_id"] for m in TopicMember.find({"user_id": user["_id"]},
                                                   projection={"topic_id": 1}, limit=MAX_TOPICS)]
    topics = Topic.find({"_id": {"$in": ids}}, projection={"title": 1}) if ids else []
    return {t["_id"]: t["title"] for t in topics
            if NotificationService.should_notify(user["_id"], "digest", {"topic_id": str(t["_id"])})}


def _top_posts(topics, since):
    if not topics:
        return []
    docs = Post.find({"topic_id": {"$in": list(topics)}, "created_at": {"$gte": since}},
                     projection={"title": 1, "topic_id": 1, "score": 1, "comment_count": 1,
                                 "restricted": 1})
    docs = sorted((d for d in docs if not d.get("restricted")),
                  key=lambda d: (d.get("score", 0), d.get("comment_count", 0)), reverse=True)
    return [{"title": d["title"], "topic": topics[d["topic_id"]], "score": d.get("score", 0),
             "comments": d.get("comment_count", 0)} for d in docs[:TOP_POSTS]]


def _busiest_rooms(topics, since):
    if not topics:
        return []
    docs = ChatRoom.find({"topic_id": {"$in": list(topics)}, "last_activity": {"$gte": since}},
                         projection={"name": 1, "topic_id": 1, "message_count": 1,
                                     "is_public": 1})
    docs = sorted((d for d in docs if d.get("is_public", True)),
                  key=lambda d: d.get("message_count", 0), reverse=True)
    return [{"name": d["name"], "topic": topics[d["topic_id"]],
             "messages": d.get("message_count", 0)} for d in docs[:BUSIEST_ROOMS]]
