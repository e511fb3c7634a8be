"""Liveness and readiness."""
from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@bp.get("/health")  # alias for probes written against the system Parley replaces
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks = {"mongo": _check(lambda: current_app.extensions["mongo_client"].admin.command("ping")),
              "redis": _check(lambda: current_app.extensions["redis"].ping())}
    ready = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503)


def _check(probe):
    try:
        probe()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"unavailable: {type(exc).__name__}"
