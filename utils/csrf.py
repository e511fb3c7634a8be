"""Cross-site request forgery guard (issue 16).

SameSite=Lax does not stop a sibling subdomain, and a body-less form POST
needs no CORS preflight, so every state-changing request that carries the
session cookie must come from a page of ours:

- its `Origin` (or, without one, the origin of its `Referer`) is the app's own
  origin or one of `CORS_ORIGINS`;
- with neither header (an API client, not a browser page), it must carry a
  JSON content type, which a cross-site form cannot send without a preflight;
- a request without the session cookie acts as nobody and is not checked.

A refusal is 403 in the contract's JSON envelope. /socket.io/ never reaches
Flask: Engine.IO checks origins itself (app.py `_origin_check`).
"""
from urllib.parse import urlsplit

from flask import current_app, request

from utils.errors import Forbidden

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MESSAGE = "Cross-site request refused"


def origin_of(url):
    """`scheme://host[:port]` of a URL, lower-cased; None when it has none."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins():
    own = origin_of(request.host_url)
    configured = {origin_of(item) for item in current_app.config["CORS_ORIGINS"]}
    return (configured | {own}) - {None}


def is_json(content_type):
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


def check_request():
    """before_request hook: raise Forbidden for a forged state-changing request."""
    if request.method not in STATE_CHANGING:
        return
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    source = request.headers.get("Origin")
    if source is None and request.headers.get("Referer"):
        source = origin_of(request.headers["Referer"]) or "invalid"
    if source is None:
        if not is_json(request.headers.get("Content-Type")):
            raise Forbidden(MESSAGE)
        return
    # `Origin: null` (sandboxed frames, some redirects) is never ours.
    if source.strip().lower() not in allowed_origins():
        raise Forbidden(MESSAGE)


def init_app(app):
    app.before_request(check_request)
