"""Periodic background work, once per deployment.

`start_periodic(app, name, interval, job)` runs `job()` every `interval`
seconds in a Socket.IO background task (a greenlet under gevent). Every
process starts one, but a pass runs only in the holder of a Redis lease
(SET NX PX, renewed by its holder alone), so a deployment runs each job once
per interval; when the holder dies its lease runs out and another takes over.
Pass `exclusive=False` for per-process work (heartbeats).
"""
import logging
import uuid

from extensions import socketio
from utils.redis_client import get_redis, key
from utils.unavailable import is_unavailable

log = logging.getLogger(__name__)

# app.extensions key: the names of the jobs started in this app, for stop_all.
JOB_NAMES = "periodic_job_names"

# Extend the lease only if we still hold it (compare-and-expire).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


def lease_key(app, name):
    # One holder per deployment, and a deployment is one database.
    return key("lease", name, app.config["MONGO_DB_NAME"])


def hold_lease(app, name, token, ttl_ms):
    """Take the lease `name`, or renew it if `token` already holds it."""
    redis = get_redis()
    if redis.set(lease_key(app, name), token, nx=True, px=ttl_ms):
        return True
    return bool(redis.eval(_RENEW, 1, lease_key(app, name), token, ttl_ms))


def start_periodic(app, name, interval, job, exclusive=True):
    """Start `job` every `interval` s in this process (once per app; off when 0)."""
    if not interval or name in app.extensions:
        return None
    state = {"running": True, "token": uuid.uuid4().hex, "passes": 0}
    app.extensions[name] = state
    app.extensions.setdefault(JOB_NAMES, []).append(name)
    socketio.start_background_task(_run, app, name, state, interval, job, exclusive)
    return state


def stop_periodic(app, name):
    state = app.extensions.get(name)
    if state:
        state["running"] = False


def stop_all_periodic(app):
    """Stop every job of this app: at shutdown, before the servers they use go
    (a job waking after the embedded Valkey stopped would only log an outage)."""
    for name in app.extensions.get(JOB_NAMES, ()):
        stop_periodic(app, name)


def _run(app, name, state, interval, job, exclusive):
    ttl_ms = int(interval * 3 * 1000)
    while state["running"]:
        socketio.sleep(interval)
        if not state["running"]:
            break
        try:
            with app.app_context():
                if not exclusive or hold_lease(app, name, state["token"], ttl_ms):
                    job()
                    state["passes"] += 1
        except Exception as exc:  # noqa: BLE001 - a failed pass must not end the task
            if is_unavailable(exc):  # an outage, not a bug: one line, next pass retries
                log.warning("periodic job %s skipped: %s unavailable (%s)", name,
                            type(exc).__module__.split(".")[0], exc)
            else:
                log.exception("periodic job %s failed", name)
