"""Counting the MongoDB and Redis commands a request makes (tests/test_command_counts.py).

- MongoDB: a pymongo CommandListener, registered when this module is imported,
  which is before the test's app (and so its MongoClient) is created.
- Redis: a counting connection class installed on the pools of every Redis
  client of the app (cache, sessions, Socket.IO queue, rate limits). It records
  each round trip as the list of command names it carried, so a pipeline or a
  script is one round trip, and the bytes of the strings it was answered with.
"""
import threading

from pymongo import monitoring
from redis.connection import Connection

from extensions import limiter, socketio

_recording = threading.local()


class _Log:
    def __init__(self):
        self.mongo, self.redis, self.mongo_detail = [], [], []
        self.reply_bytes = 0  # the strings Redis answered with, in bytes


def _bytes_in(reply):
    if isinstance(reply, (bytes, str)):
        return len(reply)
    if isinstance(reply, (list, tuple)):
        return sum(_bytes_in(item) for item in reply)
    return 0


class MongoCounter(monitoring.CommandListener):
    def started(self, event):
        log = getattr(_recording, "log", None)
        if log is not None:
            log.mongo.append(event.command_name)
            log.mongo_detail.append((event.command_name, event.command.get(event.command_name)))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


monitoring.register(MongoCounter())


class CountingConnection(Connection):
    def send_command(self, *args, **kwargs):
        log = getattr(_recording, "log", None)
        if log is not None:
            log.redis.append([str(args[0]).upper()])
        return super().send_command(*args, **kwargs)

    def send_packed_command(self, command, check_health=True):
        # Pipelines arrive here directly with every command packed (send_command
        # also ends here, but it has been recorded already).
        return super().send_packed_command(command, check_health)

    def read_response(self, *args, **kwargs):
        reply = super().read_response(*args, **kwargs)
        log = getattr(_recording, "log", None)
        if log is not None:
            log.reply_bytes += _bytes_in(reply)
        return reply

    def pack_commands(self, commands):
        log = getattr(_recording, "log", None)
        if log is not None:
            log.redis.append([str(args[0]).upper() for args in commands])
        return super().pack_commands(commands)


def redis_clients(app):
    """Every Redis client the app holds (the Socket.IO queue's, when it is on)."""
    clients = [app.extensions["redis"], app.session_interface.client]
    manager = getattr(getattr(socketio, "server", None), "manager", None)
    if getattr(manager, "redis", None) is not None:
        clients.append(manager.redis)
    window = app.extensions.get("moving_window")
    for storage in (getattr(window, "storage", None), limiter.storage):  # budgets, HTTP limits
        if getattr(storage, "storage", None) is not None:
            clients.append(storage.storage)
    return clients


def install(app):
    """Make every Redis client of `app` open counting connections from now on."""
    for client in redis_clients(app):
        pool = client.connection_pool
        if pool.connection_class is not CountingConnection:
            pool.connection_class = CountingConnection
            pool.reset()  # drops the open connections: new ones are counting ones


class Recording:
    """`with Recording() as rec:` records the commands this thread sends."""

    def __enter__(self):
        self.log = _recording.log = _Log()
        return self

    def __exit__(self, *exc):
        _recording.log = None

    @property
    def mongo(self):
        return list(self.log.mongo)

    @property
    def redis_trips(self):
        return [list(trip) for trip in self.log.redis]

    @property
    def reply_bytes(self):
        return self.log.reply_bytes

    @property
    def redis_commands(self):
        return [name for trip in self.log.redis for name in trip]
