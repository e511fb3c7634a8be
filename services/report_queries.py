"""The member-facing side of /api/reports (rest-accounts §9): who may see a
report and who may act on it.

A report is visible to its reporter, to admins and to the moderators (owner
or moderator, level >= 2) of the topic it names; to anyone else it does not
exist (404, so its existence does not leak). Acting on one needs admin or
moderator of its topic (403). Views reuse `services.reports.enrich`; actions
go through services/moderation.py so the audit log records every one.
"""
from models.base import parse_id
from models.report import Report
from policies import report as report_policy
from services import moderation, topic_access
from services.reports import enrich
from utils.errors import Forbidden, NotFound
from utils.text import sanitize_text

STATUSES = ("pending", "reviewed", "resolved", "dismissed")
# What the reported user must not learn: who reported them (and their evidence).
REPORTER_FIELDS = ("reporter_id", "reported_by", "reporter", "reporter_username", "description",
                   "attached_messages", "attached_messages_data", "moderator_notes", "reviewed_by")
NEWEST = [("created_at", -1)]


def _is_admin(user):
    return report_policy.can_list_reports(user)


def can_moderate(report, user):
    return report_policy.can_moderate_report(report, user)


def _topic_scope(user, topic_id):
    """`{topic_id}` for an admin or moderator of that topic; 404/403 otherwise."""
    topic = topic_access.visible_topic_or_404(topic_id, user)
    if not report_policy.can_moderate_report({"topic_id": topic["_id"]}, user):
        raise Forbidden("You are not a moderator of this topic")
    return {"topic_id": topic["_id"]}


def _scope(user, topic_id):
    """The reports the caller may list: a moderated topic's, all (admin), or their own."""
    if topic_id:
        return _topic_scope(user, topic_id)
    return {} if _is_admin(user) else {"reporter_id": parse_id(user["_id"])}


def _page(query, limit, offset):
    docs = Report.find(query, sort=NEWEST, skip=offset, limit=limit)
    return enrich(docs), Report.count(query)


def list_visible(user, limit, offset, status=None, topic_id=None):
    """GET /api/reports and /recent: `(views, total)`, newest first."""
    query = _scope(user, topic_id)
    if status:
        query["status"] = status
    return _page(query, limit, offset)


def my_reports(user, limit, offset, status=None, as_reporter=True):
    """Reports filed by the caller, or (as_reporter False) about the caller,
    without the reporter's identity."""
    field = "reporter_id" if as_reporter else "reported_user_id"
    query = {field: parse_id(user["_id"])}
    if status:
        query["status"] = status
    views, total = _page(query, limit, offset)
    if not as_reporter:
        views = [{k: v for k, v in view.items() if k not in REPORTER_FIELDS} for view in views]
    return views, total


def statistics(user, topic_id=None):
    """Counts by status and by action taken: all reports (admin) or one moderated topic's."""
    if topic_id:
        base = _topic_scope(user, topic_id)
    elif _is_admin(user):
        base = {}
    else:
        raise Forbidden("Admin access required")
    data = {"total": Report.count(base)}
    data.update({status: Report.count({**base, "status": status}) for status in STATUSES})
    data["actions"] = {taken: Report.count({**base, "action_taken": taken})
                       for taken in moderation.ACTION_TAKEN.values()}
    return data


def get_visible(user, report_id):
    """One report for its reporter, an admin or its topic's moderator; 404 for anyone else."""
    report = Report.get(report_id)
    if report is None or not (report["reporter_id"] == parse_id(user["_id"])
                              or can_moderate(report, user)):
        raise NotFound("Report not found")
    return enrich([report])[0]


def _moderated(user, report_id):
    report = Report.get_or_404(report_id)
    if not can_moderate(report, user):
        raise Forbidden("Permission denied")
    return report


def _clean(text):
    return sanitize_text(text).strip() if text else None


def review(user, report_id, action_taken, notes=None):
    """Records the outcome only; enforcement is the admin action route's job."""
    report = _moderated(user, report_id)
    moderation.record_review(user, report, action_taken, _clean(notes))


def dismiss(user, report_id, reason=None):
    _moderated(user, report_id)
    moderation.take_action(user, report_id, "dismiss", _clean(reason))


def escalate(user, report_id, reason=None):
    _moderated(user, report_id)
    moderation.take_action(user, report_id, "escalate", _clean(reason))


def delete(user, report_id):
    if not _is_admin(user):
        raise Forbidden("Admin access required")
    moderation.delete_report(user, report_id)
