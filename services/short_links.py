"""Share links (rest-content §10), safer than the contract: only signed-in
users create them (rate-limited), only for URLs of this deployment (the SPA's
FRONTEND_URL origin or the API's own origin), and the redirect checks the
stored URL against the same origins again, so no code ever redirects off-site
(a link stored under a forged Host header included).
"""
import hashlib
import secrets
import string
from urllib.parse import urlsplit

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.short_link import ShortLink
from utils.errors import AppError, ValidationFailed
from utils.rate_limit import enforce_setting
from utils.time import utcnow

ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7  # 62^7 ≈ 3.5e12 codes: guessing one is hopeless
CODE_ATTEMPTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}
OFF_SITE = "URL must point to this site"


class CodeSpaceExhausted(AppError):
    status, code, default_message = 503, "short_link_unavailable", "Could not create a link, try again"


def origin_of(url):
    """`scheme://host[:port]` of an absolute http(s) URL without credentials, else None."""
    if not isinstance(url, str) or any(ch <= " " or ch in "\\\x7f" for ch in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    host = parts.hostname.lower()
    if port and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def is_on_site(url, allowed_origins):
    return origin_of(url) is not None and origin_of(url) in {origin_of(o) for o in allowed_origins}


def check_url(url, allowed_origins):
    url = (url or "").strip()
    if not url:
        raise ValidationFailed("URL is required")
    if not is_on_site(url, allowed_origins):
        raise ValidationFailed(OFF_SITE)
    return url


def do_shorten(user, url, allowed_origins):
    """The link for `url` (the existing one when it was shortened before)."""
    url = check_url(url, allowed_origins)
    enforce_setting("SHORT_LINK", user["_id"], "Too many share links, try again later")
    digest = hashlib.sha256(url.encode()).hexdigest()
    existing = ShortLink.find_one({"url_digest": digest})
    if existing is not None:
        return existing
    for _ in range(CODE_ATTEMPTS):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        try:
            return ShortLink.insert(code=code, url=url, url_digest=digest, created_by=user["_id"])
        except DuplicateKeyError:
            # Either the code was taken (try another) or the same URL was just
            # shortened by someone else (use theirs).
            existing = ShortLink.find_one({"url_digest": digest})
            if existing is not None:
                return existing
    raise CodeSpaceExhausted()


def follow(code, allowed_origins):
    """The stored URL for `code`, counting the click; None when unknown or off-site."""
    link = ShortLink.collection().find_one_and_update(
        {"code": code}, {"$inc": {"clicks": 1}, "$set": {"last_accessed": utcnow()}},
        return_document=ReturnDocument.AFTER)
    if link is None or not is_on_site(link["url"], allowed_origins):
        return None
    return link["url"]
