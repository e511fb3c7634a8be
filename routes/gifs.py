"""/api/gifs: the GIF picker's six routes (rest-content §9), signed-in users only."""
from flask import Blueprint, request

from schemas.gifs import (DEFAULT_LIMIT, GIF_ID_RE, LOCALE_RE, MAX_LIMIT, MAX_QUERY,
                          RegisterShareIn)
from services.gifs import NOT_CONFIGURED, gif_service
from utils.auth import current_user, login_required
from utils.errors import ValidationFailed
from utils.responses import done, ok
from utils.validation import parse_body, query_int

bp = Blueprint("gifs", __name__, url_prefix="/api/gifs")


def _limit():
    return query_int("limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)


def _locale():
    locale = request.args.get("locale") or "en_US"
    if not LOCALE_RE.match(locale):
        raise ValidationFailed("locale must look like en_US")
    return locale


def _list_or_empty(fetch):
    """The contract's empty list when no provider is set (the contract says so for
    trending/popular/recent; search and categories answer the same rather than its
    500: a deployment without GIFs is a setting, not a fault)."""
    service = gif_service()
    if not service.configured:
        return ok([], message=NOT_CONFIGURED)
    return ok(fetch(service))


@bp.get("/search")
@login_required
def search():
    query = (request.args.get("q") or "").strip()
    if not query:
        raise ValidationFailed("Search query is required")
    if len(query) > MAX_QUERY:
        raise ValidationFailed(f"Search query must be at most {MAX_QUERY} characters")
    limit, locale = _limit(), _locale()
    return _list_or_empty(lambda service: service.search(current_user(), query, limit, locale))


@bp.get("/trending")
@login_required
def trending():
    limit, locale = _limit(), _locale()
    return _list_or_empty(lambda service: service.trending(current_user(), limit, locale))


@bp.get("/popular", defaults={"name": "popular"})
@bp.get("/recent", defaults={"name": "recent"})
@login_required
def fixed_search(name):
    limit, locale = _limit(), _locale()
    return _list_or_empty(
        lambda service: service.fixed_search(current_user(), name, limit, locale))


@bp.get("/categories")
@login_required
def categories():
    locale = _locale()
    return _list_or_empty(lambda service: service.categories(current_user(), locale))


@bp.post("/register-share")
@login_required
def register_share():
    body = parse_body(RegisterShareIn)
    if not body.gif_id.strip():
        raise ValidationFailed("GIF ID is required")
    if not GIF_ID_RE.match(body.gif_id):
        raise ValidationFailed("GIF ID is not valid")
    service, locale = gif_service(), _locale()
    if not service.configured:
        return done(NOT_CONFIGURED)  # nothing to tell a provider about
    service.register_share(current_user(), body.gif_id, body.query.strip(), locale)
    return done("Share registered successfully")
