"""GIF providers behind one interface (rest-content §9, §11.13).

Tenor, the contract's provider, closed its API in 2026. Two providers stand in:
- GIPHY, API v1 (`/v1/gifs/search`, `/v1/gifs/trending`, `/v1/gifs/categories`,
  `api_key`, `q`, `limit`, `offset`, `rating`, `lang`);
- KLIPY, API v2, which kept Tenor's request and response shape (`/v2/search`,
  `/v2/featured`, `/v2/categories`, `/v2/registershare`, `key`, `client_key`,
  `q`, `limit`, `media_filter`, `contentfilter`, `locale`).

Each provider turns its answers into the contract's Gif `{id, title, url,
preview_url, width, height}` and category `{name, path, image}`. Anything the
upstream sends that is not that shape is skipped, never trusted; a transport
error, a non-2xx answer or a body that is not JSON raises GifUpstreamError.
"""
import logging
from urllib.parse import quote

import requests

log = logging.getLogger(__name__)


class GifUpstreamError(Exception):
    """The provider could not be reached or answered something unusable."""


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _https_url(value):
    """Only absolute https URLs leave the server (no javascript:, no mixed content)."""
    return value if isinstance(value, str) and value.startswith("https://") else None


def _category(name, image):
    name = name.lstrip("#").strip() if isinstance(name, str) else ""
    image = _https_url(image)
    if not name or not image:
        return None
    return {"name": name, "path": f"/api/gifs/search?q={quote(name)}", "image": image}


class HttpProvider:
    """The shared outbound call: short timeout, JSON object or GifUpstreamError."""

    name = ""

    def __init__(self, base_url, timeout):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path, params):
        try:
            response = requests.get(self.base_url + path, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GifUpstreamError(f"{self.name}: {type(exc).__name__}") from None
        if response.status_code // 100 != 2:
            raise GifUpstreamError(f"{self.name}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise GifUpstreamError(f"{self.name}: body is not JSON") from None
        if not isinstance(body, dict):
            raise GifUpstreamError(f"{self.name}: body is not a JSON object")
        return body


class GiphyProvider(HttpProvider):
    name = "giphy"
    # Renditions tried in order: a 200 px high animation to insert, a small one to preview.
    URL_RENDITIONS = ("fixed_height", "downsized", "original")
    PREVIEW_RENDITIONS = ("fixed_height_small", "preview_gif", "fixed_height")

    def __init__(self, base_url, api_key, rating, timeout):
        super().__init__(base_url, timeout)
        self.api_key, self.rating = api_key, rating

    def _gifs(self, path, **params):
        body = self._get(path, {"api_key": self.api_key, **params})
        return [gif for gif in map(self._gif, _list(body.get("data"))) if gif]

    def search(self, query, limit, locale):
        return self._gifs("/v1/gifs/search", q=query, limit=limit, offset=0,
                          rating=self.rating, lang=locale.split("_")[0])

    def trending(self, limit, locale):
        return self._gifs("/v1/gifs/trending", limit=limit, offset=0, rating=self.rating)

    def categories(self, locale):
        body = self._get("/v1/gifs/categories", {"api_key": self.api_key})
        found = (_category(_dict(item).get("name"), self._rendition(
            _dict(_dict(item).get("gif")), self.URL_RENDITIONS).get("url"))
            for item in _list(body.get("data")))
        return [category for category in found if category]

    def register_share(self, gif_id, query, locale):
        # GIPHY v1 has no share endpoint (its analytics pingbacks are per
        # response); nothing to tell it.
        return None

    def _rendition(self, item, names):
        images = _dict(item.get("images"))
        for name in names:
            rendition = _dict(images.get(name))
            if _https_url(rendition.get("url")):
                return rendition
        return {}

    def _gif(self, item):
        item = _dict(item)
        main = self._rendition(item, self.URL_RENDITIONS)
        preview = self._rendition(item, self.PREVIEW_RENDITIONS)
        if not isinstance(item.get("id"), str) or not main:
            return None
        return {"id": item["id"], "title": str(item.get("title") or ""),
                "url": main["url"], "preview_url": preview.get("url", main["url"]),
                "width": _int(main.get("width")), "height": _int(main.get("height"))}


class KlipyProvider(HttpProvider):
    name = "klipy"
    MEDIA_FILTER = "gif,tinygif"

    def __init__(self, base_url, api_key, client_key, content_filter, timeout):
        super().__init__(base_url, timeout)
        self.api_key, self.client_key = api_key, client_key
        self.content_filter = content_filter

    def _keys(self):
        return {"key": self.api_key, "client_key": self.client_key}

    def _gifs(self, path, **params):
        body = self._get(path, {**self._keys(), **params, "media_filter": self.MEDIA_FILTER,
                                "contentfilter": self.content_filter})
        return [gif for gif in map(self._gif, _list(body.get("results"))) if gif]

    def search(self, query, limit, locale):
        return self._gifs("/v2/search", q=query, limit=limit, locale=locale)

    def trending(self, limit, locale):
        return self._gifs("/v2/featured", limit=limit, locale=locale)

    def categories(self, locale):
        body = self._get("/v2/categories", {**self._keys(), "locale": locale,
                                            "contentfilter": self.content_filter})
        found = (_category(_dict(tag).get("searchterm") or _dict(tag).get("name"),
                           _dict(tag).get("image")) for tag in _list(body.get("tags")))
        return [category for category in found if category]

    def register_share(self, gif_id, query, locale):
        params = {**self._keys(), "id": gif_id, "locale": locale}
        if query:
            params["q"] = query
        self._get("/v2/registershare", params)

    def _gif(self, item):
        item = _dict(item)
        formats = _dict(item.get("media_formats"))
        main, preview = _dict(formats.get("gif")), _dict(formats.get("tinygif"))
        if not isinstance(item.get("id"), str) or not _https_url(main.get("url")):
            return None
        dims = _list(main.get("dims")) + [0, 0]
        return {"id": item["id"],
                "title": str(item.get("title") or item.get("content_description") or ""),
                "url": main["url"], "preview_url": _https_url(preview.get("url")) or main["url"],
                "width": _int(dims[0]), "height": _int(dims[1])}


def provider_from_config(config):
    """The configured provider, or None when GIF search is not configured."""
    if config.get("TENOR_API_KEY"):
        log.warning("TENOR_API_KEY is deprecated: Tenor's API is closed; the key is used "
                    "as KLIPY_API_KEY (KLIPY kept Tenor's API shape)")
    choice = (config.get("GIF_PROVIDER") or "").lower()
    choice = "klipy" if choice == "tenor" else choice  # KLIPY serves Tenor's API shape
    if not choice:
        choice = ("giphy" if config.get("GIPHY_API_KEY")
                  else "klipy" if config.get("KLIPY_API_KEY") else "none")
    timeout = config["GIF_TIMEOUT_SECONDS"]
    if choice == "giphy" and config.get("GIPHY_API_KEY"):
        return GiphyProvider(config["GIPHY_API_URL"], config["GIPHY_API_KEY"],
                             config["GIPHY_RATING"], timeout)
    if choice == "klipy" and config.get("KLIPY_API_KEY"):
        return KlipyProvider(config["KLIPY_API_URL"], config["KLIPY_API_KEY"],
                             config["KLIPY_CLIENT_KEY"], config["KLIPY_CONTENT_FILTER"], timeout)
    if choice != "none":
        log.warning("GIF_PROVIDER=%s has no API key (or is unknown): GIF search is off", choice)
    return None
