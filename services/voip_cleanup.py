"""Calls that clean themselves up.

`sweep()` is a plain function: it removes participants silent for longer
than VOIP_HEARTBEAT_TIMEOUT, ends calls left with nobody, and ends any call
older than VOIP_MAX_CALL_SECONDS, telling the call room (`voip_user_left`,
`voip_call_ended` with a reason and the room id).

`start(app)` runs it every VOIP_CLEANUP_INTERVAL seconds, once per deployment
(services/periodic.py).
"""
from datetime import timedelta

from flask import current_app

from models.voip_call import ACTIVE, VoipCall
from services import periodic, voip
from services.realtime import emit
from utils.time import utcnow

def sweep(now=None):
    """One cleanup pass; returns `{"removed": n, "ended": n}`."""
    config = current_app.config
    now = now or utcnow()
    silent_since = (now - timedelta(seconds=config["VOIP_HEARTBEAT_TIMEOUT"])).timestamp()
    too_old = now - timedelta(seconds=config["VOIP_MAX_CALL_SECONDS"])
    counts = {"removed": 0, "ended": 0}
    for call in VoipCall.collection().find({"status": ACTIVE}).sort("created_at", 1):
        if call["created_at"] <= too_old:
            counts["ended"] += voip.end_call(call["_id"], "max_duration") is not None
            continue
        removed, ended = _drop_silent(call, silent_since)
        counts["removed"] += removed
        counts["ended"] += ended
    return counts


def _last_seen(entry, beats):
    stored = entry.get("last_heartbeat")
    stored = stored.timestamp() if stored is not None else 0.0
    return max(stored, beats.get(str(entry["user_id"]), 0.0))


def _drop_silent(call, silent_since):
    beats = voip.heartbeats(call["_id"])
    silent = [p for p in call["participants"] if _last_seen(p, beats) < silent_since]
    if not silent:
        if not call["participants"]:
            return 0, voip.end_call(call["_id"], "no_participants", only_if_empty=True) is not None
        return 0, 0
    ids = [p["user_id"] for p in silent]
    updated = VoipCall.update(call["_id"], query={"status": ACTIVE},
                              extra={"$pull": {"participants": {"user_id": {"$in": ids}}}})
    if updated is None:
        return 0, 0
    voip.participants_changed(call["_id"])
    voip.forget_heartbeats(call["_id"], ids)
    if not updated["participants"]:
        return len(ids), voip.end_call(call["_id"], "no_participants", only_if_empty=True) is not None
    for entry in silent:
        emit("voip_user_left", {"call_id": str(call["_id"]),
                                "user": {"id": str(entry["user_id"]), "username": entry["username"]},
                                "reason": "timeout"}, room=voip.call_room(call["_id"]))
    return len(ids), 0


# ----- the background task -----
TASK = "voip_cleanup"


def hold_lease(app, token, ttl_ms):
    """Take the sweeper lease, or renew it if we already hold it."""
    return periodic.hold_lease(app, TASK, token, ttl_ms)


def start(app):
    """Start this process's cleanup task (once per app; off when the interval is 0)."""
    return periodic.start_periodic(app, TASK, app.config["VOIP_CLEANUP_INTERVAL"], sweep)


def stop(app):
    periodic.stop_periodic(app, TASK)
