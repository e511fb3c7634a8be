"""Prometheus scrape endpoint. Kept internal by nginx (deploy/); with
METRICS_TOKEN set it also wants `Authorization: Bearer <token>`."""
import hmac

from flask import Blueprint, Response, current_app, request

from services import metrics
from utils.errors import Unauthorized

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def scrape():
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("Metrics token required")
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)
