"""/api/admin: stats, reports, bans, tickets, deleted content, audit log
(rest-accounts §10). Every route is admin-only (401 anonymous, 403 member)."""
from flask import Blueprint

from schemas.moderation import AdminTicketUpdate, Ban, RejectDeletion, Reopen, ReportAction
from services import admin as admin_service
from services import admin_content, audit, moderation, reports, stats, tickets
from utils.auth import admin_required, current_user
from utils.responses import done, ok
from utils.validation import pagination, paging, parse_body, query_choice

bp = Blueprint("admin", __name__, url_prefix="/api/admin")

REPORT_STATUSES = ("pending", "reviewed", "resolved", "dismissed", "all")
TICKET_STATUSES = ("open", "pending", "in_progress", "resolved", "closed", "all")


@bp.before_request
@admin_required
def guard():
    """Every /api/admin route, present and future, is admin-only."""


def _page(rows_total, limit, offset):
    rows, total = rows_total
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/stats", strict_slashes=False)
def get_stats():
    return ok(stats.get_stats())


@bp.get("/audit-log", strict_slashes=False)
def audit_log():
    limit, offset = paging(default_limit=50)
    return _page(audit.list_entries(limit, offset), limit, offset)


# ----- reports -----

@bp.get("/reports", strict_slashes=False)
def list_reports():
    limit, offset = paging(default_limit=50)
    status = query_choice("status", REPORT_STATUSES, "all")
    report_type = query_choice("report_type", ("user", "content", "profile_image"), None)
    content_type = query_choice("content_type", reports.CONTENT_TYPES, None)
    found = reports.list_reports(limit, offset, None if status == "all" else status,
                                 report_type, content_type)
    return _page(found, limit, offset)


@bp.post("/reports/<report_id>/action", strict_slashes=False)
def report_action(report_id):
    body = parse_body(ReportAction)
    taken = moderation.take_action(current_user(), report_id, body.action, body.notes,
                                   body.ban_duration_days, body.warning_message)
    return done(f"Action taken: {taken}", action=taken)


@bp.post("/reports/<report_id>/dismiss", strict_slashes=False)
def dismiss_report(report_id):
    moderation.take_action(current_user(), report_id, "dismiss")
    return done("Report dismissed successfully")


@bp.post("/reports/<report_id>/reopen", strict_slashes=False)
def reopen_report(report_id):
    body = parse_body(Reopen, required=False)
    moderation.reopen(current_user(), report_id, body.reason)
    return done("Report reopened successfully")


# ----- users and bans -----

@bp.post("/users/<user_id>/ban", strict_slashes=False)
def ban_user(user_id):
    body = parse_body(Ban)
    info = admin_service.ban_user(current_user(), user_id, body.reason, body.duration_days)
    return done("User banned successfully", ban_info=info)


@bp.post("/users/<user_id>/unban", strict_slashes=False)
def unban_user(user_id):
    admin_service.unban_user(current_user(), user_id)
    return done("User unbanned successfully")


@bp.get("/users/banned", strict_slashes=False)
def banned_users():
    limit, offset = paging(default_limit=50)
    return _page(admin_service.banned_users(limit, offset), limit, offset)


@bp.get("/users/<user_id>/messages", strict_slashes=False)
def user_messages(user_id):
    limit, offset = paging(default_limit=50)
    return _page(admin_content.user_messages(user_id, limit, offset), limit, offset)


# ----- tickets -----

@bp.get("/tickets", strict_slashes=False)
def list_tickets():
    limit, offset = paging(default_limit=50)
    status = query_choice("status", TICKET_STATUSES, "all")
    category = query_choice("category", ("bug", "feature", "account", "other"), None)
    priority = query_choice("priority", ("low", "medium", "high"), None)
    docs, total = tickets.admin_list(limit, offset, None if status == "all" else status,
                                     category, priority)
    return _page(([tickets.to_public(t) for t in docs], total), limit, offset)


@bp.put("/tickets/<ticket_id>", strict_slashes=False)
def update_ticket(ticket_id):
    body = parse_body(AdminTicketUpdate)
    ticket, message = tickets.admin_update(current_user(), ticket_id, body.status,
                                           body.admin_response, body.reopen, body.reason)
    return ok(tickets.to_public(ticket), message=message)


# ----- deleted messages and pending deletions -----

@bp.get("/deleted-messages", strict_slashes=False)
def deleted_messages():
    limit, offset = paging(default_limit=50)
    return _page(admin_content.deleted_messages(limit, offset), limit, offset)


@bp.post("/deleted-messages/<message_id>/permanent-delete", strict_slashes=False)
def permanent_delete(message_id):
    admin_content.permanent_delete(current_user(), message_id)
    return done("Message permanently deleted")


@bp.post("/deleted-messages/cleanup-expired", strict_slashes=False)
def cleanup_expired():
    count = admin_content.cleanup_expired(current_user())
    return done(f"{count} expired messages deleted", deleted_count=count)


@bp.get("/pending-deletions", strict_slashes=False)
def pending_deletions():
    return ok(admin_content.pending_deletions())


@bp.post("/<any(topics, posts, chatrooms):kind>/<item_id>/approve-deletion", strict_slashes=False)
def approve_deletion(kind, item_id):
    return done(admin_content.decide_deletion(current_user(), kind, item_id, approve=True))


@bp.post("/<any(topics, posts, chatrooms):kind>/<item_id>/reject-deletion", strict_slashes=False)
def reject_deletion(kind, item_id):
    body = parse_body(RejectDeletion, required=False)
    return done(admin_content.decide_deletion(current_user(), kind, item_id, approve=False,
                                              lock_deletion=body.lock_deletion))
