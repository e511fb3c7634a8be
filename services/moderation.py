"""Admin actions on reports, each applied through the service that owns the
content (deleting a post goes through the post service, so its caches and
live events follow), and recorded in the audit log.

The content services are imported lazily: they belong to other domains.
"""

from models.base import parse_id
from models.chat_room import ChatRoom
from models.report import Report
from models.user import User
from services import admin as admin_service
from services import audit, chat_cache
from services.comments import delete_comment
from services.messages import delete_message
from services.posts import delete_post
from services.reports import ROOM_TYPES
from utils.errors import NotFound, ValidationFailed
from utils.time import utcnow

ACTION_ALIASES = {"dismissed": "dismiss", "resolved": "resolve"}
ACTIONS = ("delete_content", "ban_user", "warn_user", "dismiss", "resolve", "escalate")
ACTION_TAKEN = {"delete_content": "deleted", "ban_user": "user_banned", "warn_user": "user_warned",
                "dismiss": "dismissed", "resolve": "resolved", "escalate": "escalated"}
NEW_STATUS = {"dismiss": "dismissed", "resolve": "resolved"}
REVIEW_OUTCOMES = ("deleted", "user_banned", "user_warned", "dismissed", "escalated")


def take_action(admin, report_id, action, notes=None, ban_duration_days=None,
                warning_message=None):
    """Apply `action` to the report; returns the `action_taken` name."""
    action = ACTION_ALIASES.get(action, action)
    if action not in ACTIONS:
        raise ValidationFailed("Invalid action")
    report = Report.get_or_404(report_id)
    if action == "delete_content":
        delete_content(admin, report)
    elif action == "ban_user":
        admin_service.ban_user(admin, _target_user(report),
                               f"Report #{report['_id']}: {report.get('reason', '')}",
                               ban_duration_days, report_id=str(report["_id"]))
    elif action == "warn_user":
        admin_service.warn_user(admin, _target_user(report), warning_message,
                                report_id=str(report["_id"]))
    taken = ACTION_TAKEN[action]
    _mark_reviewed(admin, report, NEW_STATUS.get(action, "reviewed"), taken, notes)
    audit.record(admin, f"report.{action}", "report", report["_id"], action_taken=taken,
                 notes=notes, content_type=report["content_type"])
    return taken


def _mark_reviewed(actor, report, status, taken, notes):
    Report.update(report["_id"], set_={
        "status": status, "action_taken": taken,
        "reviewed_by": parse_id(actor["_id"]), "reviewed_at": utcnow(),
        "moderator_notes": notes or ""})


def record_review(actor, report, action_taken, notes=None):
    """POST /api/reports/<id>/review: record an outcome decided elsewhere
    (no enforcement, so a topic moderator cannot ban or delete through it)."""
    if action_taken not in REVIEW_OUTCOMES:
        raise ValidationFailed("Invalid action_taken")
    status = "dismissed" if action_taken == "dismissed" else "reviewed"
    _mark_reviewed(actor, report, status, action_taken, notes)
    audit.record(actor, "report.review", "report", report["_id"], action_taken=action_taken,
                 notes=notes, content_type=report["content_type"])


def delete_report(admin, report_id):
    """Hard delete (admin only; the caller checks), recorded with what was deleted."""
    report = Report.get_or_404(report_id)
    Report.delete(report["_id"])
    audit.record(admin, "report.delete", "report", report["_id"], status=report["status"],
                 content_type=report["content_type"], reporter_id=str(report["reporter_id"]))


def reopen(admin, report_id, reason=None):
    report = Report.get_or_404(report_id)
    if report["status"] not in ("dismissed", "resolved", "reviewed"):
        raise ValidationFailed("Failed to reopen report or report cannot be reopened")
    Report.update(report["_id"], set_={"status": "pending", "action_taken": None,
                                       "reviewed_by": None, "reviewed_at": None,
                                       "moderator_notes": reason or ""})
    audit.record(admin, "report.reopen", "report", report["_id"], reason=reason)


def _target_user(report):
    if not report.get("reported_user_id"):
        raise ValidationFailed("This report names no user")
    return report["reported_user_id"]


def delete_content(admin, report):
    """Delete the reported item through its owning service."""
    kind, content_id = report["content_type"], report.get("content_id")
    reason = f"Report #{report['_id']}: {report.get('reason', '')}"
    if content_id is None or kind == "user":
        raise ValidationFailed("This report has no content to delete")
    cid = str(content_id)
    if kind == "post":
        delete_post(cid, admin, reason=reason)
    elif kind == "comment":
        delete_comment(cid, admin, reason=reason)
    elif kind == "message":
        delete_message(cid, admin, reason=reason)
    elif kind == "profile_image":
        remove_profile_image(admin, cid, reason)
    elif kind in ROOM_TYPES:
        _clear_room_picture(admin, kind, cid, reason)
    else:
        raise ValidationFailed(f"Deleting {kind} content is not supported")


def remove_profile_image(admin, user_id, reason):
    user = User.get(user_id)
    if user is None:
        raise NotFound("User not found")
    User.update(user["_id"], set_={"profile_picture": None})
    audit.record(admin, "user.remove_profile_image", "user", user["_id"],
                 username=user["username"], reason=reason)


def _clear_room_picture(admin, kind, room_id, reason):
    """A room's picture or background is cleared; deleting a whole room is
    the room owner's flow (pending deletions), not a report action."""
    field = {"chatroom_background": "background_picture"}.get(kind, "picture")
    if ChatRoom.update(room_id, set_={field: None}) is None:
        raise NotFound("Chat room not found")
    chat_cache.invalidate_room(room_id)
    audit.record(admin, f"chatroom.clear_{field}", "chatroom", room_id, reason=reason)
