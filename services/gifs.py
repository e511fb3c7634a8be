"""GifService: the six GIF routes of rest-content §9 over one provider.

Results are cached in Redis for GIF_CACHE_SECONDS (the contract's hour) per
(provider, route, query, limit, locale), so the same picker opened by many
users costs one outbound call. Only cache misses call out, and those take from
the caller's budget (GIF_REQUEST_LIMIT per GIF_REQUEST_WINDOW seconds).

Failures never become a 500: no provider configured or an upstream failure is
a 503 in the error envelope; the list routes the picker opens first
(trending/popular/recent) answer the contract's empty list when nothing is
configured.
"""
import logging

from flask import current_app

from services.gif_providers import GifUpstreamError, provider_from_config
from utils import cache
from utils.errors import AppError
from utils.rate_limit import enforce_setting

log = logging.getLogger(__name__)

NOT_CONFIGURED = "GIF search is not configured"
UNAVAILABLE = "GIF provider is unavailable, try again later"
# The contract's popular/recent are fixed searches.
FIXED_SEARCHES = {"popular": "popular", "recent": "new"}


class GifUnavailable(AppError):
    status, code, default_message = 503, "gifs_unavailable", UNAVAILABLE


class GifNotConfigured(GifUnavailable):
    default_message = NOT_CONFIGURED


class GifService:
    def __init__(self, provider, cache_seconds):
        self.provider = provider
        self.cache_seconds = cache_seconds

    @property
    def configured(self):
        return self.provider is not None

    def search(self, user, query, limit, locale):
        return self._cached(user, "search", (query, limit, locale),
                            lambda: self.provider.search(query, limit, locale))

    def trending(self, user, limit, locale):
        return self._cached(user, "trending", ("", limit, locale),
                            lambda: self.provider.trending(limit, locale))

    def fixed_search(self, user, name, limit, locale):
        return self.search(user, FIXED_SEARCHES[name], limit, locale)

    def categories(self, user, locale):
        return self._cached(user, "categories", ("", 0, locale),
                            lambda: self.provider.categories(locale))

    def register_share(self, user, gif_id, query, locale):
        self._require_provider()
        enforce_setting("GIF_REQUEST", user["_id"], "Too many GIF requests, slow down")
        self._call(lambda: self.provider.register_share(gif_id, query, locale))

    def _cached(self, user, route, parts, fetch):
        self._require_provider()
        name = cache.cache_key("gifs", self.provider.name, route, cache.digest(parts))

        def load():
            enforce_setting("GIF_REQUEST", user["_id"], "Too many GIF requests, slow down")
            return self._call(fetch)

        return cache.cached(name, self.cache_seconds, load)

    def _require_provider(self):
        if self.provider is None:
            raise GifNotConfigured()

    def _call(self, fetch):
        try:
            return fetch()
        except GifUpstreamError as exc:
            log.warning("GIF provider failed: %s", exc)
            raise GifUnavailable() from None


def gif_service():
    """The app's GifService, built on first use from its config."""
    extensions = current_app.extensions
    if "gif_service" not in extensions:
        provider = provider_from_config(current_app.config)
        extensions["gif_service"] = GifService(provider, current_app.config["GIF_CACHE_SECONDS"])
    return extensions["gif_service"]
