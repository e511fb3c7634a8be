"""Admin statistics (rest-accounts §12.6) and the dashboard's daily series.

Counts use indexed fields (status, created_at, is_banned); the 30-day series
are one `$group` aggregation per collection over a `created_at` range. The
whole result is cached in Redis for a short time: the dashboard polls it.
"""
import json
from datetime import timedelta

from models import get_db
from models.base import to_json_safe
from models.report import Report
from models.ticket import Ticket
from models.user import User
from services import admin as admin_service
from services import audit, presence, reports, tickets
from services.admin import count_banned
from services.audit import STATS_CACHE_KEY
from utils.redis_client import get_redis
from utils.time import utcnow

CACHE_KEY = STATS_CACHE_KEY
CACHE_SECONDS = 30
SERIES_DAYS = 30
SERIES = {"new_users": "users", "messages": "messages", "posts": "posts"}


def get_stats():
    """The §12.6 object plus `series`, `online_now` and flat badge counts; cached."""
    redis = get_redis()
    cached = redis.get(CACHE_KEY)
    if cached:
        return json.loads(cached)
    stats = compute_stats()
    redis.set(CACHE_KEY, json.dumps(stats), ex=CACHE_SECONDS)
    return stats


def invalidate():
    get_redis().delete(CACHE_KEY)


def _group_counts(collection, field, query=None):
    pipeline = [{"$match": query or {}}, {"$group": {"_id": f"${field}", "n": {"$sum": 1}}}]
    return {str(row["_id"]): row["n"] for row in collection.aggregate(pipeline) if row["_id"]}


def compute_stats():
    now = utcnow()
    day_ago = now - timedelta(days=1)
    reports = _group_counts(Report.collection(), "status")
    tickets = _group_counts(Ticket.collection(), "status")
    stats = {
        "reports": {"total": sum(reports.values()),
                    **{s: reports.get(s, 0) for s in ("pending", "reviewed", "resolved", "dismissed")},
                    "actions": _group_counts(Report.collection(), "action_taken")},
        "tickets": {"total": sum(tickets.values()),
                    **{s: tickets.get(s, 0) for s in ("pending", "in_progress", "resolved", "closed")},
                    "categories": _group_counts(Ticket.collection(), "category"),
                    "priorities": _group_counts(Ticket.collection(), "priority")},
        "users": {"total": User.count(), "banned": count_banned(),
                  "admins": User.count({"is_admin": True}),
                  "new_last_7_days": User.count({"created_at": {"$gte": now - timedelta(days=7)}})},
        "recent_activity": {"new_reports_24h": Report.count({"created_at": {"$gte": day_ago}}),
                            "new_tickets_24h": Ticket.count({"created_at": {"$gte": day_ago}})},
    }
    stats["pending_reports"] = stats["reports"]["pending"]
    stats["pending_tickets"] = stats["tickets"]["pending"] + tickets.get("open", 0)
    stats["online_now"] = presence.online_count()
    stats["series"] = daily_series(now)
    stats["generated_at"] = now.isoformat().replace("+00:00", "Z")
    return stats


def _days(now):
    first = (now - timedelta(days=SERIES_DAYS - 1)).date()
    return [(first + timedelta(days=i)).isoformat() for i in range(SERIES_DAYS)]


def daily_series(now):
    """`{name: [{date, count}] * 30}` for new users, messages and posts, oldest first."""
    days = _days(now)
    since = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=SERIES_DAYS - 1)
    db = get_db()
    series = {}
    for name, collection in SERIES.items():
        pipeline = [
            {"$match": {"created_at": {"$gte": since}}},
            {"$group": {"_id": {"$dateToString": {"format": "%Y-%m-%d", "date": "$created_at"}},
                        "n": {"$sum": 1}}},
        ]
        counts = {row["_id"]: row["n"] for row in db[collection].aggregate(pipeline)}
        series[name] = [{"date": day, "count": counts.get(day, 0)} for day in days]
    return series


def dashboard_data():
    """Everything the /admin page shows, gathered in one call."""
    open_reports, open_total = reports.list_reports(25, 0, status="pending")
    open_tickets, tickets_total = tickets.admin_list(25, 0, status="open")
    in_progress, _ = tickets.admin_list(25, 0, status="in_progress")
    entries, _ = audit.list_entries(25, 0)
    banned, _ = admin_service.banned_users(25, 0)
    return {"stats": get_stats(), "reports": open_reports, "reports_total": open_total,
            "tickets": [tickets.to_public(t) for t in open_tickets + in_progress],
            "audit": entries, "banned": to_json_safe_list(banned)}


def to_json_safe_list(rows):
    return [to_json_safe(row) for row in rows]
