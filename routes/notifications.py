"""/api/notifications: the caller's notifications (rest-accounts §5)."""
from flask import Blueprint, request

from services import notifications
from utils.auth import current_user, login_required
from utils.errors import ValidationFailed
from utils.prefetch_plans import parsed_once, reads
from utils.responses import done, ok
from utils.validation import paging, pagination, query_choice

bp = Blueprint("notifications", __name__, url_prefix="/api/notifications")


@parsed_once
def _list_args():
    limit, offset = paging(default_limit=50)
    unread_only = query_choice("unread_only", ("true", "false"), "false") == "true"
    return unread_only, limit, offset


@bp.get("/", strict_slashes=False)
@reads(lambda: notifications.list_names(*_list_args()))
@login_required
def list_notifications():
    unread_only, limit, offset = _list_args()
    rows, total = notifications.list_for(current_user(), unread_only, limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/unread-count")
@login_required
def unread_count():
    return ok({"count": notifications.unread_count(current_user())})


@bp.get("/aggregated")
@login_required
def aggregated():
    group_by = query_choice("group_by", ("post_id", "chat_room_id", "type"), "post_id")
    limit, offset = paging(default_limit=50)
    kind = request.args.get("type") or None
    if kind is not None and len(kind) > 50:
        raise ValidationFailed("type is too long")
    return ok(notifications.aggregated(current_user(), kind, group_by, limit, offset))


@bp.post("/<notification_id>/read")
@login_required
def mark_read(notification_id):
    notifications.mark_read(current_user(), notification_id)
    return done("Notification marked as read")


@bp.post("/read-all")
@login_required
def read_all():
    count = notifications.mark_all_read(current_user())
    return ok({"marked_count": count}, message="All notifications marked as read")


@bp.delete("/<notification_id>")
@login_required
def delete(notification_id):
    notifications.delete(current_user(), notification_id)
    return done("Notification deleted")
