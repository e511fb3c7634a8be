"""/api/posts (rest-content §4)."""
from flask import Blueprint, request

from schemas import posts as schemas
from services import posts
from utils.auth import admin_required, current_user, login_required, session_user
from utils.prefetch_plans import parsed_once, reads
from utils.responses import done, ok
from utils.validation import paging, parse_body, query_arg

bp = Blueprint("posts", __name__, url_prefix="/api/posts")


@bp.get("/recent")
def recent_posts():
    limit, offset = paging(default_limit=20)
    return ok(posts.recent_posts(session_user(), limit=limit, offset=offset))


@parsed_once
def _posts_args():
    limit, offset = paging(default_limit=50)
    return {"sort_by": query_arg("sort_by", "new"), "limit": limit, "offset": offset}


@bp.get("/topics/<topic_id>/posts")
@reads(lambda topic_id: posts.page_names(topic_id, **_posts_args()))
def topic_posts(topic_id):
    return ok(posts.list_topic_posts(topic_id, session_user(), **_posts_args()))


@bp.post("/topics/<topic_id>/posts")
@reads(posts.topic_names)
@login_required
def create_post(topic_id):
    body = parse_body(schemas.CreatePost)
    post = posts.create_post(topic_id, current_user(), body.title, body.content, body.gif_url,
                             body.use_anonymous, body.tags)
    return ok(post, status=201, message="Post created successfully")


@bp.get("/<post_id>")
def get_post(post_id):
    return ok(posts.get_post(post_id, session_user()))


@bp.post("/<post_id>/upvote")
@login_required
def upvote(post_id):
    return ok(posts.vote_post(post_id, current_user(), up=True), message="Vote recorded")


@bp.post("/<post_id>/downvote")
@login_required
def downvote(post_id):
    return ok(posts.vote_post(post_id, current_user(), up=False), message="Vote recorded")


@bp.delete("/<post_id>")
@login_required
def delete_post(post_id):
    body = parse_body(schemas.DeleteReason, required=False) if request.is_json else None
    posts.delete_post(post_id, current_user(), reason=body.reason if body else None)
    return done("Post deleted successfully")


@bp.post("/<post_id>/report")
@login_required
def report_post(post_id):
    body = parse_body(schemas.Report)
    posts.report_post(post_id, current_user(), body.reason, body.description)
    return done("Post reported successfully")


@bp.put("/<post_id>/status")
@admin_required
def set_status(post_id):
    body = parse_body(schemas.PostStatus)
    status = posts.set_status(post_id, current_user(), body.status, body.reason)
    return done(f"Post {status} successfully")
