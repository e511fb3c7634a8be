"""Liveness and readiness."""
import pymongo
import redis
from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@bp.get("/health")  # alias for probes written against the system Parley replaces
def healthz():
    return jsonify({"status": "ok"})


# Each dependency gets this long, so /readyz answers within a second even when a
# server is paused (accepts the connection, never answers) rather than down.
READY_CHECK_SECONDS = 0.4


@bp.get("/readyz")
def readyz():
    checks = {"mongo": _check(_ping_mongo), "redis": _check(_ping_redis)}
    ready = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503)


def _check(probe):
    try:
        probe()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"unavailable: {type(exc).__name__}"


def _ping_mongo():
    with pymongo.timeout(READY_CHECK_SECONDS):  # server selection and the reply both
        current_app.extensions["mongo_client"].admin.command("ping")


def _ping_redis():
    # A probe client of its own: the shared one waits 5 s for a paused server.
    probe = current_app.extensions.get("redis_ready_probe")
    if probe is None:
        probe = redis.Redis.from_url(current_app.config["REDIS_URL"],
                                     socket_timeout=READY_CHECK_SECONDS,
                                     socket_connect_timeout=READY_CHECK_SECONDS)
        current_app.extensions["redis_ready_probe"] = probe
    probe.ping()
