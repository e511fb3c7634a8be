"""Posts (rest-content §4): create, list, read, vote, delete, status, report.

A topic's post list is cached as the shared views (services/content_cache);
vote flags and the author's own id are applied per request.
"""
from datetime import timedelta

from models.base import parse_id
from models.post import Post
from models.topic import Topic
from policies import documents, facts
from policies import post as post_policy
from policies.lists import exclude_hidden, hidden_ids
from policies.topic import (can_view, is_invite_only, require_not_banned, visible_topic_or_404,
                            writable_topic_or_403)
from schemas import is_https_url
from services import authorship, realtime, reports, votes
from services.anonymous_identities import ensure_identity
from services.content_cache import (TOPIC_ACTIVITY, TTL, count_new_post, invalidate_posts,
                                    invalidate_topic, posts_ns)
from services.mentions import notify_mentions
from utils import cache
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.queries import hinted_find
from utils.rate_limit import enforce_setting
from utils.text import clean_message, sanitize_text
from utils.time import utcnow

# sort_by -> (sort, index serving it; models/post.py)
SORTS = {
    "new": ([("created_at", -1)], "topic_new"),
    "old": ([("created_at", 1)], "topic_new"),
    "top": ([("score", -1), ("created_at", -1)], "topic_top"),
    "hot": ([("score", -1), ("created_at", -1)], "topic_top"),
}


# ----- shared helpers -----

def check_gif_url(gif_url):
    if gif_url is None or gif_url == "":
        return None
    if len(gif_url) > 500 or not is_https_url(gif_url):
        raise ValidationFailed("GIF URL must be an https URL")
    return gif_url


def body_text(content, gif_url, missing_message):
    """The stored text: cleaned content, or `[GIF]` when only a GIF is sent."""
    if content is not None and content.strip():
        return clean_message(content)
    if gif_url:
        return "[GIF]"
    raise ValidationFailed(missing_message)


def writable_topic(topic_id, user, fresh=True):
    """The topic, if the caller may write in it (the topic policy decides); `fresh=False`
    reads the cached document (a comment does not change its topic, a post only the
    counters that lag anyway: services/activity_counts.py)."""
    return writable_topic_or_403(topic_id, user, fresh=fresh)


def alias_for(topic, user, use_anonymous):
    if not use_anonymous:
        return None
    if not (topic.get("settings") or {}).get("allow_anonymous", True):
        # Refuse rather than silently publish under the real name.
        raise ValidationFailed("Anonymous posting is not allowed in this topic")
    return ensure_identity(user, topic)


def _views(posts):
    authors = authorship.author_fields(posts)
    return [authorship.shared(Post, p, authors[p["_id"]]) for p in posts]


def post_view(post, user):
    return authorship.personal(_views([post])[0], user)


def clean_post_tags(tags):
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = []
    for tag in tags or []:
        tag = sanitize_text(tag).strip().lower()
        if 2 <= len(tag) <= 20 and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:10]


# ----- reads -----

def page_names(topic_id, sort_by="new", limit=50, offset=0, fingerprint=cache.LIST_FP):
    """What `list_topic_posts` reads: the topic (for the visibility check) and the page,
    shared by the callers with the same list fingerprint (policies/facts.py: it covers
    the posts they hid). With the default, the session script's plan."""
    oid = parse_id(topic_id)
    if oid is None:
        return ()
    sort, _ = SORTS.get(sort_by, SORTS["new"])
    return (documents.topic_key(oid), cache.versioned_key(
        posts_ns(oid), fingerprint, cache.digest([sort, limit, offset])))


def topic_names(topic_id):
    """What a new post reads first: its topic's cached document (the session script's plan)."""
    oid = parse_id(topic_id)
    return (documents.topic_key(oid),) if oid is not None else ()


def list_topic_posts(topic_id, user, sort_by="new", limit=50, offset=0):
    oid = parse_id(topic_id)
    if oid is None:
        raise NotFound("Topic not found")
    sort, index = SORTS.get(sort_by, SORTS["new"])
    names = page_names(oid, sort_by, limit, offset, facts.of(user).list_fp)
    cache.prefetch(*names)
    name = names[1]
    topic = visible_topic_or_404(oid, user)

    def load():  # the query only on a miss: the key's fingerprint covers the hidden posts
        query = topic_posts_query(topic["_id"], hidden_ids(user, "post"))
        return _views(hinted_find(Post, query, sort, index, skip=offset, limit=limit))

    views = cache.cached(name, TTL, load, loads=cache.load_shared)
    return authorship.personal_all(views, user)


def topic_posts_query(topic_id, hidden):
    query = {"topic_id": topic_id, "is_deleted": False}
    if hidden:
        query["_id"] = {"$nin": hidden}
    return query


def recent_query(user):
    """Newest posts of public topics (invite-only and deleted topics are `restricted`)."""
    return exclude_hidden({"is_deleted": False, "restricted": False}, user, "post")


def recent_posts(user, limit=20, offset=0):
    posts = hinted_find(Post, recent_query(user), [("created_at", -1)], "recent",
                        skip=offset, limit=limit)
    titles = {t["_id"]: t["title"] for t in Topic.by_ids(
        {p["topic_id"] for p in posts}, include_deleted=True, projection={"title": 1})}
    out = []
    for view, post in zip(_views(posts), posts):
        view = authorship.personal(view, user)
        view["topic_title"] = titles.get(post["topic_id"], "")
        out.append(view)
    return out


def visible_post_or_404(post_id, user, include_deleted=False):
    post = Post.get(post_id, include_deleted=include_deleted)
    if post is None:
        raise NotFound("Post not found")
    topic = documents.topic(post["topic_id"], include_deleted=True)
    if not post_policy.can_view(post, topic, user):
        raise NotFound("Post not found")
    return post, topic


def get_post(post_id, user):
    post, _topic = visible_post_or_404(post_id, user, include_deleted=True)
    view = post_view(post, user)
    view["is_followed"] = False
    return view


# ----- writes -----

def create_post(topic_id, user, title, content=None, gif_url=None, use_anonymous=False, tags=None):
    topic = writable_topic(topic_id, user, fresh=False)
    title = sanitize_text(title or "").strip()
    if not title:
        raise ValidationFailed("Post title is required")
    if len(title) > 300:
        raise ValidationFailed("Title must be 300 characters or less")
    gif_url = check_gif_url(gif_url)
    text = body_text(content, gif_url, "Post content or GIF URL is required")
    tags = clean_post_tags(tags)
    alias = alias_for(topic, user, use_anonymous)
    enforce_setting("POST_CREATE", user["_id"], "You are posting too fast")
    post = Post.insert(topic_id=topic["_id"], user_id=parse_id(user["_id"]), title=title,
                       content=text, gif_url=gif_url, tags=tags, anonymous_identity=alias,
                       restricted=is_invite_only(topic))
    if tags:
        Topic.apply(topic["_id"], extra={"$addToSet": {"tags": {"$each": tags}}})
        invalidate_topic(topic["_id"])
    count_new_post(topic["_id"])
    view = authorship.writer_view(Post, post, topic, user)
    realtime.emit("new_post", authorship.anonymous_view(view), room=f"topic_{topic['_id']}")
    notify_mentions(user, text, {"type": "post", "post_id": str(post["_id"]),
                                 "topic_id": str(topic["_id"]), "post_title": title,
                                 "display_name": alias or user["username"],
                                 "anonymous": alias is not None},
                    can_see=lambda mentioned: can_view(topic, mentioned))
    return authorship.personal(view, user)


def vote_post(post_id, user, up):
    post, topic = visible_post_or_404(post_id, user)
    require_not_banned(topic["_id"], user)
    updated = votes.toggle(Post, post["_id"], user, up)
    invalidate_posts(topic["_id"])
    realtime.emit("post_upvoted" if up else "post_downvoted", {
        "post_id": updated["_id"], "user_id": user["_id"],
        "upvote_count": updated["upvote_count"], "downvote_count": updated["downvote_count"],
        "score": updated["score"], "user_has_upvoted": False, "user_has_downvoted": False,
    }, room=f"topic_{topic['_id']}")
    return post_view(updated, user)


def can_moderate(topic, user):
    return post_policy.can_moderate(topic, user)


def delete_post(post_id, actor, reason=None):
    """Soft delete by the author (pending admin approval), a topic moderator/owner or an admin."""
    post = Post.get(post_id)
    topic = Topic.get(post["topic_id"], include_deleted=True) if post else None
    if post is None or topic is None or not can_view(topic, actor):
        raise NotFound("Post not found")
    moderator = can_moderate(topic, actor)
    if not (moderator or authorship.is_author(post, actor)):
        raise Forbidden("Permission denied or post not found")
    by_author = authorship.is_author(post, actor) and not moderator
    Post.mark_deleted(post["_id"], deleted_by=parse_id(actor["_id"]),
                      deletion_status="pending" if by_author else "approved",
                      permanent_delete_at=utcnow() + timedelta(days=7) if by_author else None,
                      deletion_reason=sanitize_text(reason)[:500] if reason else None)
    TOPIC_ACTIVITY.add_now(topic["_id"], -1)
    realtime.emit("post_deleted", {"post_id": post["_id"], "topic_id": topic["_id"]},
                  room=f"topic_{topic['_id']}")
    return True


def approve_deletion(post_id):
    """Admin approval of an author's pending deletion. None if not pending."""
    post = Post.approve_pending_deletion(post_id)
    if post is not None:
        invalidate_topic(post.get("topic_id"))
    return post


def restore_deletion(post_id, **extra_fields):
    """Admin rejection of an author's pending deletion: the post is back in its topic."""
    post = Post.restore_pending_deletion(post_id, **extra_fields)
    if post is None:
        return None
    topic_id = post.get("topic_id")
    if topic_id is not None:
        TOPIC_ACTIVITY.add_now(topic_id, 1)
        realtime.emit("new_post", authorship.anonymous_view(_views([post])[0]),
                      room=f"topic_{topic_id}")
    return post


def set_status(post_id, admin, status, reason=None):
    if not admin.get("is_admin"):
        raise Forbidden("Admin access required")
    if status not in ("open", "closed"):
        raise ValidationFailed("Invalid status")
    reason = sanitize_text(reason or "").strip()[:500]
    if status == "closed" and not reason:
        raise ValidationFailed("Closure reason is required")
    post = Post.get_or_404(post_id)
    Post.apply(post["_id"], set_={"status": status,
                                  "closure_reason": reason if status == "closed" else None})
    invalidate_posts(post["topic_id"])
    realtime.emit("post_status_updated", {"post_id": post["_id"], "status": status,
                                          "closure_reason": reason if status == "closed" else None},
                  room=f"topic_{post['topic_id']}")
    return status


def report_post(post_id, user, reason, description=""):
    post, topic = visible_post_or_404(post_id, user)
    reason = sanitize_text(reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationFailed("Reason must be between 3 and 500 characters")
    return reports.create_report(
        user, "post", post["_id"], reason, sanitize_text(description or "")[:1000],
        reported_user_id=post["user_id"], topic_id=topic["_id"],
        content_snapshot={"title": post["title"], "content": post["content"],
                          "anonymous_identity": post.get("anonymous_identity")})
