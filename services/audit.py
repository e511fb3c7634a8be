"""The audit log: every admin action is recorded here, after it is applied."""
from models.audit_log import AuditLog
from models.base import parse_id
from utils.redis_client import get_redis, key

STATS_CACHE_KEY = key("admin", "stats")


def record(actor, action, target_type, target_id=None, **details):
    """Store who (`actor`) did what (`action`) to which target, with details."""
    get_redis().delete(STATS_CACHE_KEY)  # an admin action changes what the dashboard shows
    return AuditLog.insert(
        actor_id=parse_id(actor["_id"]), actor_username=actor.get("username", ""),
        action=action, target_type=target_type,
        target_id=parse_id(target_id) or (str(target_id) if target_id else None),
        details=details)


def list_entries(limit, offset, action=None):
    """Newest first, with the total; `action` filters on one action name."""
    query = {"action": action} if action else {}
    docs = AuditLog.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    return [AuditLog.to_public(doc) for doc in docs], AuditLog.count(query)
