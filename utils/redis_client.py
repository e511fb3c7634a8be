"""The process's Redis client and the key names Parley uses."""
import redis
from flask import current_app

KEY_PREFIX = "parley:"


def create_client(url):
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30,
                                socket_timeout=5, socket_connect_timeout=5)


def create_bytes_client(url):
    """A client that returns bytes (session msgpack, cached-user BSON)."""
    return redis.Redis.from_url(url)


def get_redis():
    return current_app.extensions["redis"]


def key(*parts):
    return KEY_PREFIX + ":".join(str(part) for part in parts)
