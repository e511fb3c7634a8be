"""A small sliding-window rate limiter in Redis, usable from routes, services and
socket handlers alike (flask-limiter only covers HTTP routes).

Each hit is a member of a sorted set scored by its time; the window is the set
trimmed to the last `window` seconds. Shared by every process through Redis.
"""
import time
import uuid

from utils.errors import RateLimited
from utils.redis_client import get_redis, key


def hit(name, limit, window, count=1):
    """Record `count` hits on `name`; True when they are within `limit` per `window`
    seconds. A refused batch (count > 1) is taken back so it does not burn the budget."""
    now = time.time()
    bucket = key("rl", name)
    members = {f"{now}:{uuid.uuid4().hex[:8]}:{n}": now for n in range(count)}
    pipe = get_redis().pipeline()
    pipe.zremrangebyscore(bucket, 0, now - window)
    pipe.zadd(bucket, members)
    pipe.zcard(bucket)
    pipe.expire(bucket, int(window) + 1)
    _, _, total, _ = pipe.execute()
    if total > limit and count > 1:
        get_redis().zrem(bucket, *members)
    return total <= limit


def enforce(name, limit, window, message="Rate limit exceeded.", count=1):
    """`hit`, raising RateLimited (429 / `error` event) when over the limit."""
    if limit and count and not hit(name, limit, window, count):
        raise RateLimited(message, retry_after=window)


def enforce_setting(setting, user_id, message, count=1):
    """`enforce` on the per-user budget `<setting>_LIMIT` per `<setting>_WINDOW`
    seconds of the app's config (config.py, "content write limits")."""
    from flask import current_app

    config = current_app.config
    enforce(f"{setting.lower()}:{user_id}", config[f"{setting}_LIMIT"],
            config[f"{setting}_WINDOW"], message, count)


def cooldown(name, seconds):
    """True if `name` was not used in the last `seconds` (and starts a new cool-down)."""
    if not seconds:
        return True
    return bool(get_redis().set(key("cooldown", name), "1", nx=True, ex=int(seconds)))
