"""/api/messages: legacy topic chat (§7.1) and the private-message routes (§7.2, §7.3)."""
from flask import Blueprint, request

from schemas.chat import DeleteMessageIn, MessageBody, PrivateMessageIn, ReportIn
from services import messages, private_messages
from utils.auth import current_user, login_required, session_user
from utils.errors import ValidationFailed
from utils.prefetch_plans import parsed_once
from utils.responses import done, ok
from utils.validation import parse_body, query_choice, query_int

bp = Blueprint("messages", __name__, url_prefix="/api/messages")


@parsed_once
def history_args(default_limit=50):
    """`limit` (1..100) and the two cursors; a malformed cursor id is the service's 404."""
    return {"limit": query_int("limit", default_limit, minimum=1, maximum=100),
            "before_id": request.args.get("before_message_id") or None,
            "after_id": request.args.get("after_message_id") or None}


# ----- legacy topic messages -----

@bp.get("/topic/<topic_id>")
def topic_history(topic_id):
    return ok(messages.topic_history(topic_id, session_user(), **history_args()))


@bp.post("/topic/<topic_id>")
@login_required
def send_topic_message(topic_id):
    body = parse_body(MessageBody)
    message, created = messages.send_topic_message(topic_id, current_user(), body)
    return ok(message, status=201 if created else 200, message="Message created successfully")


# ----- private messages -----

@bp.post("/private")
@login_required
def send_private_message():
    body = parse_body(PrivateMessageIn)
    message, created = private_messages.send(current_user(), body)
    return ok(message, status=201 if created else 200,
              message="Private message sent successfully")


@bp.get("/private")
@login_required
def private_history():
    other = request.args.get("other_user_id")
    if not other:
        raise ValidationFailed("Other user ID is required")
    return ok(private_messages.history(current_user(), other, **history_args()))


@bp.get("/private/conversations")
@login_required
def private_conversations():
    limit = query_int("limit", 20, minimum=1, maximum=50)
    return ok(private_messages.conversations(current_user(), limit))


@bp.delete("/private/<message_id>")
@login_required
def delete_private_message(message_id):
    mode = query_choice("mode", ["soft", "hard"], "soft")
    private_messages.delete_message(current_user(), message_id, mode)
    return done("Message deleted successfully")


@bp.post("/private/<message_id>/read")
@login_required
def read_private_message(message_id):
    private_messages.mark_one_read(current_user(), message_id)
    return done("Message marked as read")


@bp.post("/private/<message_id>/report")
@login_required
def report_private_message(message_id):
    body = parse_body(ReportIn)
    report = private_messages.report(current_user(), message_id, body.reason, body.description)
    return ok({"report_id": str(report["_id"])}, message="Message reported")


# ----- any room or topic message by id -----

@bp.get("/<message_id>")
@login_required
def get_message(message_id):
    return ok(messages.get_message(message_id, current_user()))


@bp.delete("/<message_id>")
@login_required
def delete_message(message_id):
    body = parse_body(DeleteMessageIn, required=False)
    reason = body.the_reason() or (request.args.get("reason") or "").strip()[:500] or None
    messages.delete_message(message_id, current_user(), reason)
    return done("Message deleted successfully")


@bp.post("/<message_id>/report")
@login_required
def report_message(message_id):
    body = parse_body(ReportIn)
    report = messages.report_message(message_id, current_user(), body.reason, body.description)
    return ok({"report_id": str(report["_id"])}, message="Message reported")
