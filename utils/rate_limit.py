"""Per-user budgets usable from services and socket handlers alike (Flask-Limiter
only decorates HTTP routes), on the same library and Redis: a moving window
from `limits`, shared by every process.
"""
from flask import current_app
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from utils.errors import RateLimited
from utils.redis_client import bounded_pool, get_redis, key


def _window():
    extensions = current_app.extensions
    if "moving_window" not in extensions:
        url = current_app.config["REDIS_URL"]
        storage = storage_from_string(
            url, connection_pool=bounded_pool(url, current_app.config["REDIS_POOL_SIZE"]))
        extensions["moving_window"] = MovingWindowRateLimiter(storage)
    return extensions["moving_window"]


def hit(name, limit, window, count=1):
    """Take `count` from the budget `name` (`limit` per `window` seconds); False when
    it does not fit, and then nothing is taken (a refused batch burns no budget)."""
    return _window().hit(RateLimitItemPerSecond(limit, window), "parley", name, cost=count)


def enforce(name, limit, window, message="Rate limit exceeded.", count=1):
    """`hit`, raising RateLimited (429 / `error` event) when over the limit."""
    if limit and count and not hit(name, limit, window, count):
        raise RateLimited(message, retry_after=window)


def enforce_setting(setting, user_id, message, count=1):
    """`enforce` on the per-user budget `<setting>_LIMIT` per `<setting>_WINDOW`
    seconds of the app's config (config.py, "content write limits")."""
    config = current_app.config
    enforce(f"{setting.lower()}:{user_id}", config[f"{setting}_LIMIT"],
            config[f"{setting}_WINDOW"], message, count)


def cooldown(name, seconds):
    """True if `name` was not used in the last `seconds` (and starts a new cool-down)."""
    if not seconds:
        return True
    return bool(get_redis().set(key("cooldown", name), "1", nx=True, ex=int(seconds)))
