"""The process's Redis clients and the key names Parley uses."""
import types

import redis
import redis.sentinel
from flask import current_app

KEY_PREFIX = "parley:"

# Each pooled connection makes a read buffer of this size and keeps it while it lives
# (redis-py's default is 64 KiB). A burst of 1,000 socket connects grew the three pools
# by 110-180 connections, so that buffer was 7-11 KB of every idle socket's cost
# (issue 12). Most replies are under 16 KiB; a larger one takes a few more reads.
READ_BUFFER_BYTES = 16 * 1024
# How long a caller waits for a pooled connection when all of them are busy. Then it
# gets redis.ConnectionError, which answers 503 like Redis itself being down
# (utils/unavailable.py). Redis answers in well under a millisecond, so waiting this
# long means Redis is stuck, not busy.
POOL_WAIT_SECONDS = 5


class BoundedRedis(redis.Redis):
    """A client whose `from_url` makes a pool of at most `max_connections`.

    redis-py's own pool opens a connection whenever every open one is busy and keeps
    it for good. 128 socket connect and disconnect handlers running at once grew the
    app's pool from 12 connections to 63 and the Socket.IO queue's from 10 to 46; their
    buffers and objects stayed after the sockets left (issue 12, idle sockets). Here a
    caller who finds them all busy waits for one (POOL_WAIT_SECONDS at most).
    """

    @classmethod
    def from_url(cls, url, **options):
        return cls.from_pool(bounded_pool(url, **options))


def bounded_pool(url, max_connections, **options):
    """A pool of at most `max_connections` Redis connections from `url`."""
    options.setdefault("socket_read_size", READ_BUFFER_BYTES)
    return redis.BlockingConnectionPool.from_url(
        url, max_connections=max_connections, timeout=POOL_WAIT_SECONDS, **options)


# For python-socketio's queue manager, which makes its client with `module.Redis.from_url`
# (app.py, QueueManager).
BOUNDED_REDIS_MODULE = types.SimpleNamespace(Redis=BoundedRedis, sentinel=redis.sentinel)


def create_client(url, max_connections):
    return BoundedRedis.from_url(url, max_connections=max_connections, decode_responses=True,
                                 health_check_interval=30, socket_timeout=5,
                                 socket_connect_timeout=5)


def create_bytes_client(url, max_connections):
    """A client that returns bytes (session msgpack, cached-user BSON)."""
    return BoundedRedis.from_url(url, max_connections=max_connections)


def get_redis():
    return current_app.extensions["redis"]


def key(*parts):
    return KEY_PREFIX + ":".join(str(part) for part in parts)
