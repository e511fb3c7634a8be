"""/api/comments (rest-content §5)."""
from flask import Blueprint, request

from schemas import comments as schemas
from schemas.posts import Report
from services import comments
from utils.auth import current_user, login_required, session_user
from utils.prefetch_plans import parsed_once, reads
from utils.responses import done, ok
from utils.validation import parse_body, query_arg, query_int

bp = Blueprint("comments", __name__, url_prefix="/api/comments")


@parsed_once
def _tree_args():
    return {"sort_by": query_arg("sort_by", "top"),
            "limit": query_int("limit", 100, minimum=1, maximum=500)}


@bp.get("/posts/<post_id>/comments")
@reads(lambda post_id: comments.tree_names(post_id, **_tree_args()))
def comment_tree(post_id):
    return ok(comments.comment_tree(post_id, session_user(), **_tree_args()))


@bp.post("/posts/<post_id>/comments")
@reads(comments.comment_names)
@login_required
def create_comment(post_id):
    body = parse_body(schemas.CreateComment)
    comment = comments.create_comment(post_id, current_user(), body.content, body.gif_url,
                                      body.use_anonymous)
    return ok(comment, status=201, message="Comment created successfully")


@bp.post("/<comment_id>/reply")
@login_required
def reply(comment_id):
    body = parse_body(schemas.CreateComment)
    comment = comments.create_comment(None, current_user(), body.content, body.gif_url,
                                      body.use_anonymous, parent_id=comment_id)
    return ok(comment, status=201, message="Reply created successfully")


@bp.get("/<comment_id>")
def get_comment(comment_id):
    return ok(comments.get_comment(comment_id, session_user()))


@bp.post("/<comment_id>/upvote")
@login_required
def upvote(comment_id):
    return ok(comments.vote_comment(comment_id, current_user(), up=True), message="Vote recorded")


@bp.post("/<comment_id>/downvote")
@login_required
def downvote(comment_id):
    return ok(comments.vote_comment(comment_id, current_user(), up=False), message="Vote recorded")


@bp.delete("/<comment_id>")
@login_required
def delete_comment(comment_id):
    body = parse_body(schemas.DeleteReason, required=False) if request.is_json else None
    comments.delete_comment(comment_id, current_user(), reason=body.reason if body else None)
    return done("Comment deleted successfully")


@bp.post("/<comment_id>/report")
@login_required
def report_comment(comment_id):
    body = parse_body(Report)
    comments.report_comment(comment_id, current_user(), body.reason, body.description)
    return done("Comment reported successfully")
