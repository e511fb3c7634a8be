"""The process's Redis client and the key names Parley uses."""
import redis
from flask import current_app

KEY_PREFIX = "parley:"

# Each pooled connection makes a read buffer of this size and keeps it while it lives
# (redis-py's default is 64 KiB). A burst of 1,000 socket connects grew the three pools
# by 110-180 connections, so that buffer was 7-11 KB of every idle socket's cost
# (issue 12). Most replies are under 16 KiB; a larger one takes a few more reads.
READ_BUFFER_BYTES = 16 * 1024
# What every Redis client of Parley is made with, ours and the libraries' (rate limits,
# the Socket.IO queue).
CONNECTION_OPTIONS = {"socket_read_size": READ_BUFFER_BYTES}


def create_client(url):
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30,
                                socket_timeout=5, socket_connect_timeout=5,
                                **CONNECTION_OPTIONS)


def create_bytes_client(url):
    """A client that returns bytes (session msgpack, cached-user BSON)."""
    return redis.Redis.from_url(url, **CONNECTION_OPTIONS)


def get_redis():
    return current_app.extensions["redis"]


def key(*parts):
    return KEY_PREFIX + ":".join(str(part) for part in parts)
