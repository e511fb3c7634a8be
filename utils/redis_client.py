"""The process's Redis client and the key names Parley uses."""
import redis
from flask import current_app

KEY_PREFIX = "parley:"

# Each client's pool is bounded (issue 12, idle sockets). Unbounded, a burst of
# sockets connecting at once (a deploy, a network blip) opens one Redis connection
# per concurrent greenlet and keeps every one of them in the pool for the life of
# the process: hundreds of idle connections whose objects, made in the middle of
# the burst, pin the memory the sockets free when they go. A greenlet that finds
# all of them busy waits for one (commands take well under a millisecond) and
# fails with redis.ConnectionError, as an unreachable server does, after
# POOL_WAIT_SECONDS.
MAX_CONNECTIONS = 32
POOL_WAIT_SECONDS = 5


def _bounded_pool(url, **options):
    return redis.BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS,
                                                 timeout=POOL_WAIT_SECONDS, **options)


def create_client(url):
    return redis.Redis(connection_pool=_bounded_pool(
        url, decode_responses=True, health_check_interval=30, socket_timeout=5,
        socket_connect_timeout=5))


def create_bytes_client(url):
    """A client that returns bytes (session msgpack, cached-user BSON)."""
    return redis.Redis(connection_pool=_bounded_pool(url))


def get_redis():
    return current_app.extensions["redis"]


def key(*parts):
    return KEY_PREFIX + ":".join(str(part) for part in parts)
