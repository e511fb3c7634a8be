"""Threaded comments (rest-content §5).

A comment tree is cached per post as flat shared views and assembled per
request (vote flags are the caller's). Deleted comments stay in the tree as
`[deleted]` placeholders so replies keep their place.
"""
from models.base import parse_id
from models.comment import MAX_DEPTH, Comment
from models.topic import Topic
from policies import documents, facts
from policies import post as post_policy
from services import authorship, realtime, reports, votes
from services.content_cache import (POST_ACTIVITY, TTL, comments_ns, count_new_comment,
                                    invalidate_comments)
from services.mentions import notify_mentions
from services.notifications import NotificationService
from services.posts import (alias_for, body_text, can_moderate, check_gif_url,
                            visible_post_or_404, writable_topic)
from services.topic_access import can_view, require_not_banned
from utils import cache
from utils.auth import user_by_id
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.queries import hinted_find
from utils.rate_limit import enforce_setting
from utils.text import sanitize_text

# sort_by -> (sort, index serving it; models/comment.py)
SORTS = {
    "top": ([("upvote_count", -1), ("created_at", -1)], "post_top"),
    "new": ([("created_at", -1)], "post_old"),
    "old": ([("created_at", 1)], "post_old"),
}
DELETED = {"content": "[deleted]", "gif_url": None, "user_id": None, "display_name": "[deleted]",
           "author_username": "[deleted]", "profile_picture": None, "is_anonymous": False,
           "is_admin": False, "is_owner": False, "is_moderator": False,
           "anonymous_identity": None}


def _views(comments):
    authors = authorship.author_fields(comments)
    views = []
    for doc in comments:
        view = authorship.shared(Comment, doc, authors[doc["_id"]])
        if doc.get("is_deleted"):
            view.update(DELETED)
            view["_author"] = ""
        views.append(view)
    return views


def comment_view(doc, user):
    return authorship.personal(_views([doc])[0], user)


# ----- reads -----

def build_tree(views):
    """Roots in the given order; replies under their parent, oldest first. The views
    become the tree's nodes (each gets its `replies`): pass copies of your own."""
    by_id = {}
    for view in views:
        view["replies"] = []
        by_id[view["id"]] = view
    roots = []
    for view in views:
        parent = by_id.get(view.get("parent_comment_id"))
        (parent["replies"] if parent else roots).append(view)
    for view in views:
        if len(view["replies"]) > 1:
            view["replies"].sort(key=_created_at)
    return roots


def _created_at(view):
    return view["created_at"]


def tree_names(post_id, sort_by="top", limit=100):
    """What `comment_tree` reads: the post's topic id, that topic (visibility) and the
    page, in one command (also the session script's plan, utils/prefetch_plans.py)."""
    oid = parse_id(post_id)
    if oid is None:
        return ()
    sort, _ = SORTS.get(sort_by, SORTS["top"])
    return (*documents.post_and_topic_names(oid),
            cache.versioned_key(comments_ns(oid), cache.digest([sort, limit])))


def comment_tree(post_id, user, sort_by="top", limit=100):
    oid = parse_id(post_id)
    if oid is None:
        raise NotFound("Post not found")
    sort, index = SORTS.get(sort_by, SORTS["top"])
    # Deleted posts keep their thread, so only the post's existence and its topic matter.
    names = tree_names(oid, sort_by, limit)
    cache.prefetch(*names)
    name = names[-1]
    topic_id = documents.topic_id_of_post(oid)
    topic = documents.topic(topic_id, include_deleted=True) if topic_id else None
    if not post_policy.can_view(None, topic, user):
        raise NotFound("Post not found")
    views = cache.cached(name, TTL, loads=cache.load_shared, loader=lambda: _views(hinted_find(
        Comment, {"post_id": oid}, sort, index, limit=limit)))
    return build_tree(authorship.personal_all(views, user))


def _visible_comment(comment_id, user, include_deleted=False):
    comment = Comment.get(comment_id, include_deleted=include_deleted)
    topic = Topic.get(comment["topic_id"], include_deleted=True) if comment else None
    if comment is None or topic is None or not can_view(topic, user):
        raise NotFound("Comment not found")
    return comment, topic


def get_comment(comment_id, user):
    comment, _topic = _visible_comment(comment_id, user, include_deleted=True)
    return comment_view(comment, user)


# ----- writes -----

def comment_names(post_id):
    """What a new comment reads before its insert: its post's topic id, that topic and
    the post's head, in one command (also the route's plan, with the session)."""
    oid = parse_id(post_id)
    if oid is None:
        return ()
    return (*documents.post_and_topic_names(oid), documents.post_head_key(cache.REF, oid))


def create_comment(post_id, user, content=None, gif_url=None, use_anonymous=False,
                   parent_id=None):
    parent = None
    if parent_id is not None:
        parent = _reply_parent(parent_id, user)
        post_id = parent["post_id"]
    cache.prefetch(*comment_names(post_id))  # nothing sent when the route's plan read them
    post = documents.post_head(post_id)
    if post is None:
        raise NotFound("Post not found")
    topic = writable_topic(post["topic_id"], user, fresh=False)
    if parent is not None and parent["depth"] >= MAX_DEPTH:
        raise ValidationFailed(f"Replies can be nested at most {MAX_DEPTH} levels deep")
    gif_url = check_gif_url(gif_url)
    kind = "Reply" if parent else "Comment"
    text = body_text(content, gif_url, f"{kind} content or GIF URL is required")
    alias = alias_for(topic, user, use_anonymous)
    enforce_setting("COMMENT_CREATE", user["_id"], "You are commenting too fast")
    comment = Comment.insert(post_id=post["_id"], topic_id=topic["_id"],
                             user_id=parse_id(user["_id"]), content=text, gif_url=gif_url,
                             anonymous_identity=alias,
                             parent_comment_id=parent["_id"] if parent else None,
                             depth=parent["depth"] + 1 if parent else 0)
    if parent:
        Comment.apply(parent["_id"], extra={"$inc": {"reply_count": 1}})
    count_new_comment(post["_id"])
    view = authorship.writer_view(Comment, comment, topic, user)
    realtime.emit("new_comment", authorship.anonymous_view(view), room=f"post_{post['_id']}")
    _notify(user, topic, post, comment, text, alias)
    return authorship.personal(view, user)


def _reply_parent(parent_id, user):
    """The comment replied to, if the caller may see it: as `_visible_comment`, with its
    topic from the cached document (a reply does not change the topic; the topic's
    writes drop it) instead of a read."""
    parent = Comment.get(parent_id)
    topic = documents.topic(parent["topic_id"], include_deleted=True) if parent else None
    if parent is None or topic is None or not can_view(topic, user):
        raise NotFound("Comment not found")
    return parent


def _notify(user, topic, post, comment, text, alias):
    display = alias or user["username"]
    context = {"type": "comment", "comment_id": str(comment["_id"]), "post_id": str(post["_id"]),
               "topic_id": str(post["topic_id"]), "post_title": post["title"],
               "parent_comment_id": str(comment["parent_comment_id"] or "") or None,
               "display_name": display, "anonymous": alias is not None}
    notify_mentions(user, text, context, can_see=lambda mentioned: can_view(topic, mentioned))
    author_id = post["user_id"]
    # Whether the post's author blocked the commenter: from the commenter's own facts
    # (read with the session; dropped by every block write), not a query.
    if author_id != parse_id(user["_id"]) and not facts.of(user).is_blocked_by(author_id):
        NotificationService.notify(
            author_id, "comment", f"{display} commented on your post", text[:100],
            {"post_id": str(post["_id"]), "post_title": post["title"],
             "comment_id": str(comment["_id"]), "commenter_username": display},
            sender_id=None if alias else user["_id"], blocks_checked=True,  # just above
            recipient=user_by_id(author_id))  # the user cache, not a read per notification


def vote_comment(comment_id, user, up):
    comment, topic = _visible_comment(comment_id, user)
    require_not_banned(topic["_id"], user)
    updated = votes.toggle(Comment, comment["_id"], user, up)
    invalidate_comments(comment["post_id"])
    mine = votes.flags(updated, user)
    payload = {"comment_id": updated["_id"], "user_id": user["_id"]}
    if up:
        payload.update(upvote_count=updated["upvote_count"], user_has_upvoted=mine["user_has_upvoted"])
    else:
        payload.update(downvote_count=updated["downvote_count"],
                       user_has_downvoted=mine["user_has_downvoted"])
    realtime.emit("comment_upvoted" if up else "comment_downvoted", payload,
                  room=f"post_{comment['post_id']}")
    return comment_view(updated, user)


def delete_comment(comment_id, actor, reason=None):
    """Soft delete by the author, a topic moderator/owner or an admin; the tree keeps its shape."""
    comment, topic = _visible_comment(comment_id, actor)
    if not (can_moderate(topic, actor) or authorship.is_author(comment, actor)):
        raise Forbidden("Permission denied or comment not found")
    Comment.mark_deleted(comment["_id"], deleted_by=parse_id(actor["_id"]),
                         deletion_reason=sanitize_text(reason)[:500] if reason else None)
    POST_ACTIVITY.add_now(comment["post_id"], -1)  # drops its comments and post lists
    realtime.emit("comment_deleted", {"comment_id": comment["_id"], "post_id": comment["post_id"]},
                  room=f"post_{comment['post_id']}")
    return True


def report_comment(comment_id, user, reason, description=""):
    comment, topic = _visible_comment(comment_id, user)
    reason = sanitize_text(reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationFailed("Reason must be between 3 and 500 characters")
    return reports.create_report(
        user, "comment", comment["_id"], reason, sanitize_text(description or "")[:1000],
        reported_user_id=comment["user_id"], topic_id=topic["_id"],
        content_snapshot={"content": comment["content"], "post_id": str(comment["post_id"]),
                          "anonymous_identity": comment.get("anonymous_identity")})
