"""Share links: POST /api/short-links/generate (signed in) and GET /s/<code>
(rest-content §10; see services/short_links.py for what is safer than the contract)."""
import re

from flask import Blueprint, Response, current_app, redirect, request

from schemas.short_links import ShortLinkIn
from services import short_links
from utils.auth import current_user, login_required
from utils.responses import ok
from utils.validation import parse_body

bp = Blueprint("short_links", __name__)
CODE_RE = re.compile(r"^[A-Za-z0-9]{6,8}$")


def _allowed_origins():
    """The SPA's origin and this API's own origin."""
    return [current_app.config["FRONTEND_URL"], request.host_url]


@bp.post("/api/short-links/generate")
@login_required
def generate():
    body = parse_body(ShortLinkIn)
    link = short_links.do_shorten(current_user(), body.url, _allowed_origins())
    return ok({"short_code": link["code"], "short_url": f"{request.host_url}s/{link['code']}"})


@bp.get("/s/<code>")
def follow(code):
    url = short_links.follow(code, _allowed_origins()) if CODE_RE.match(code) else None
    if url is None:
        return Response("Link not found", status=404, mimetype="text/plain")
    return redirect(url, code=302)
