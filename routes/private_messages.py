"""/api/users/private-messages: conversation management (rest-accounts §3.3).

Its own blueprint beside the users one; sending is POST /api/messages/private.
"""
from flask import Blueprint

from routes.messages import history_args
from schemas.chat import DmMuteIn
from services import private_messages
from utils.auth import current_user, login_required
from utils.prefetch_plans import reads
from utils.responses import done, ok
from utils.validation import parse_body, query_int

bp = Blueprint("private_messages", __name__, url_prefix="/api/users/private-messages")


@bp.get("/conversations")
@reads(lambda: private_messages.conversations_names(
    query_int("limit", 20, minimum=1, maximum=50)))
@login_required
def conversations():
    limit = query_int("limit", 20, minimum=1, maximum=50)
    return ok(private_messages.conversations(current_user(), limit))


@bp.get("/unread-count")
@login_required
def unread_count():
    return ok({"unread_count": private_messages.unread_count(current_user())})


@bp.get("/<other_user_id>")
@login_required
def history(other_user_id):
    return ok(private_messages.history(current_user(), other_user_id, **history_args()))


@bp.post("/<other_user_id>/read")
@login_required
def mark_read(other_user_id):
    marked = private_messages.mark_read(current_user(), other_user_id)
    return ok({"marked_count": marked}, message=f"Marked {marked} messages as read")


@bp.post("/<other_user_id>/mute")
@login_required
def mute(other_user_id):
    body = parse_body(DmMuteIn)
    private_messages.mute(current_user(), other_user_id, body.minutes)
    return done("Conversation muted successfully")


@bp.post("/<message_id>/delete-for-me")
@login_required
def delete_for_me(message_id):
    private_messages.delete_for_me(current_user(), message_id)
    return done("Message removed for you")


@bp.post("/<message_id>/restore-for-me")
@login_required
def restore_for_me(message_id):
    private_messages.restore_for_me(current_user(), message_id)
    return done("Message restored")


@bp.delete("/<other_user_id>")
@login_required
def delete_conversation(other_user_id):
    hidden = private_messages.delete_conversation_for_me(current_user(), other_user_id)
    return ok({"deleted_count": hidden}, message=f"Deleted {hidden} messages")
