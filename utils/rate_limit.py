"""A small sliding-window rate limiter in Redis, usable from routes, services and
socket handlers alike (flask-limiter only covers HTTP routes).

Each hit is a member of a sorted set scored by its time; the window is the set
trimmed to the last `window` seconds. Shared by every process through Redis.
"""
import time
import uuid

from utils.errors import RateLimited
from utils.redis_client import get_redis, key


def hit(name, limit, window):
    """Record one hit on `name`; True when it is within `limit` per `window` seconds."""
    now = time.time()
    bucket = key("rl", name)
    pipe = get_redis().pipeline()
    pipe.zremrangebyscore(bucket, 0, now - window)
    pipe.zadd(bucket, {f"{now}:{uuid.uuid4().hex[:8]}": now})
    pipe.zcard(bucket)
    pipe.expire(bucket, int(window) + 1)
    _, _, count, _ = pipe.execute()
    return count <= limit


def enforce(name, limit, window, message="Rate limit exceeded."):
    """`hit`, raising RateLimited (429 / `error` event) when over the limit."""
    if limit and not hit(name, limit, window):
        raise RateLimited(message, retry_after=window)


def cooldown(name, seconds):
    """True if `name` was not used in the last `seconds` (and starts a new cool-down)."""
    if not seconds:
        return True
    return bool(get_redis().set(key("cooldown", name), "1", nx=True, ex=int(seconds)))
