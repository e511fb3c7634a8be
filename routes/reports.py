"""/api/reports: users report content and users; reporters, admins and topic
moderators read and act on them (rest-accounts §9). The admin queue itself is
/api/admin/reports."""
from flask import Blueprint

from schemas.moderation import CreateReport, Reopen, ReviewReport
from services import report_queries, reports
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import pagination, paging, parse_body, query_choice, query_id, query_int

bp = Blueprint("reports", __name__, url_prefix="/api/reports")

STATUSES = report_queries.STATUSES


@bp.post("", strict_slashes=False)
@login_required
def create_report():
    report = reports.submit_report(current_user(), parse_body(CreateReport))
    return ok({"report_id": str(report["_id"])}, status=201,
              message="Report submitted successfully")


@bp.get("", strict_slashes=False)
@login_required
def list_reports():
    limit, offset = paging()
    status = query_choice("status", STATUSES + ("all",), "pending")
    rows, total = report_queries.list_visible(current_user(), limit, offset,
                                              None if status == "all" else status,
                                              query_id("topic_id"))
    page = pagination(limit, offset, total)
    return ok(rows, pagination={**page, "total_count": total})


@bp.get("/my-reports", strict_slashes=False)
@login_required
def my_reports():
    limit, offset = paging()
    rows, total = report_queries.my_reports(current_user(), limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/my", strict_slashes=False)
@login_required
def my():
    limit, offset = paging()
    as_reporter = query_choice("as_reporter", ("true", "false"), "true") == "true"
    rows, total = report_queries.my_reports(current_user(), limit, offset,
                                            query_choice("status", STATUSES, None), as_reporter)
    return ok(rows, as_reporter=as_reporter, pagination=pagination(limit, offset, total))


@bp.get("/statistics", strict_slashes=False)
@login_required
def statistics():
    return ok(report_queries.statistics(current_user(), query_id("topic_id")))


@bp.get("/recent", strict_slashes=False)
@login_required
def recent():
    limit = query_int("limit", 10, minimum=1, maximum=50)
    rows, _ = report_queries.list_visible(current_user(), limit, 0, topic_id=query_id("topic_id"))
    return ok(rows)


@bp.get("/<report_id>", strict_slashes=False)
@login_required
def get_report(report_id):
    return ok(report_queries.get_visible(current_user(), report_id))


@bp.post("/<report_id>/review", strict_slashes=False)
@login_required
def review_report(report_id):
    body = parse_body(ReviewReport)
    report_queries.review(current_user(), report_id, body.action_taken, body.moderator_notes)
    return done("Report reviewed successfully")


@bp.post("/<report_id>/dismiss", strict_slashes=False)
@login_required
def dismiss_report(report_id):
    body = parse_body(Reopen, required=False)
    report_queries.dismiss(current_user(), report_id, body.reason)
    return done("Report dismissed successfully")


@bp.post("/<report_id>/escalate", strict_slashes=False)
@login_required
def escalate_report(report_id):
    body = parse_body(Reopen, required=False)
    report_queries.escalate(current_user(), report_id, body.reason)
    return done("Report escalated successfully")


@bp.delete("/<report_id>", strict_slashes=False)
@login_required
def delete_report(report_id):
    report_queries.delete(current_user(), report_id)
    return done("Report deleted successfully")
