"""Prometheus metrics: HTTP, Socket.IO, message queue, MongoDB and Redis.

One set of metric objects per process, created at import. Under gunicorn
(PROMETHEUS_MULTIPROC_DIR set) prometheus_client writes them to per-process
files and `/metrics` sums every live worker's files; without it the default
registry of this process is served.

What is measured, and where it is hooked:
- HTTP: Flask before/after_request, labelled by the url rule (never the raw
  path, so ids do not explode the label set).
- Socket.IO: `emit` on the manager (an event leaving this process, counted
  once however many sockets get it), `_send_eio_packet` on the server (one
  packet delivered to one socket), connected sockets and rooms read from the
  manager. python-socketio has no public hooks for these, so the bound methods
  of this process's server are wrapped.
- Message queue lag: the publisher stamps each message with its send time;
  the listener of every process observes now - stamp.
- MongoDB: a pymongo CommandListener registered before any client exists.
- Redis: the app's client's `execute_command` is timed.
"""
import logging
import os
import threading
import time

from flask import g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest, multiprocess)
from pymongo import monitoring

from extensions import socketio

log = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_REQUESTS = Counter("parley_http_requests_total", "HTTP requests by endpoint and status",
                        ["method", "endpoint", "status"])
HTTP_LATENCY = Histogram("parley_http_request_seconds", "HTTP request latency by endpoint",
                         ["method", "endpoint"], buckets=LATENCY_BUCKETS)
HTTP_IN_FLIGHT = Gauge("parley_http_requests_in_flight", "HTTP requests being served",
                       multiprocess_mode="livesum")
SOCKETS = Gauge("parley_sockets_connected", "Connected Socket.IO clients",
                multiprocess_mode="livesum")
ROOMS = Gauge("parley_socket_rooms", "Socket.IO rooms with at least one member",
              multiprocess_mode="livesum")
EVENTS_EMITTED = Counter("parley_socket_events_emitted_total",
                         "Events emitted by this process (once per emit)", ["event"])
PACKETS_DELIVERED = Counter("parley_socket_packets_delivered_total",
                            "Event packets written to one connected socket")
QUEUE_LAG = Histogram("parley_message_queue_lag_seconds",
                      "Publish-to-receive delay on the Socket.IO message queue",
                      buckets=LATENCY_BUCKETS)
MONGO_LATENCY = Histogram("parley_mongo_command_seconds", "MongoDB command latency",
                          ["command", "outcome"], buckets=LATENCY_BUCKETS)
REDIS_LATENCY = Histogram("parley_redis_command_seconds", "Redis command latency",
                          ["command", "outcome"], buckets=LATENCY_BUCKETS)
# Notification emails (issue 15): the queue worker counts what it sent, skipped
# (everything read or unsubscribed by send time) and each failed attempt.
EMAILS_SENT = Counter("parley_emails_sent_total", "Notification emails sent", ["kind"])
EMAILS_SKIPPED = Counter("parley_emails_skipped_total",
                         "Queued notification emails dropped at send time (read, unsubscribed)",
                         ["kind"])
EMAIL_FAILURES = Counter("parley_email_send_failures_total",
                         "Failed notification email sends: retried later, or given up",
                         ["kind", "outcome"])

_in_flight = 0
_in_flight_lock = threading.Lock()

HTTP_SERIES_KEPT = 4096
_http_series = {}  # (method, endpoint, status) -> (latency child, count child)


def in_flight():
    """HTTP requests this process is serving now (graceful shutdown waits on it)."""
    return _in_flight


class MongoCommandTimer(monitoring.CommandListener):
    def started(self, event):
        pass

    def succeeded(self, event):
        MONGO_LATENCY.labels(event.command_name, "ok").observe(event.duration_micros / 1e6)

    def failed(self, event):
        MONGO_LATENCY.labels(event.command_name, "error").observe(event.duration_micros / 1e6)


# Registered at import, which app.py does before any MongoClient is created.
monitoring.register(MongoCommandTimer())


def init_app(app):
    """Hook HTTP timing, the Redis client and the Socket.IO server of `app`."""
    app.before_request(_start_timer)
    app.after_request(record_status)
    app.teardown_request(_stop_timer)
    _time_redis(app.extensions["redis"])
    if socketio.server is not None:
        _instrument_socketio(socketio.server)


def _start_timer():
    global _in_flight
    g.metrics_started = time.perf_counter()
    with _in_flight_lock:
        _in_flight += 1
    HTTP_IN_FLIGHT.inc()


def record_status(response):
    """Count and time the request as its response leaves (every error is a response
    here: the app's error handlers turn exceptions into them)."""
    started = g.get("metrics_started")
    if started is not None:
        current = request._get_current_object()
        rule = current.url_rule
        latency, count = _http_children(current.method, rule.rule if rule else "<unmatched>",
                                        response.status_code)
        latency.observe(time.perf_counter() - started)
        count.inc()
    return response


def _http_children(method, endpoint, status):
    """The latency and count series of these labels. prometheus_client's `labels`
    checks and locks on every call (two of them were 6 µs of every request, issue
    12), and the series of one set of labels never change, so they are kept. The
    method is the client's to choose: beyond HTTP_SERIES_KEPT sets, not kept."""
    key = (method, endpoint, status)
    children = _http_series.get(key)
    if children is None:
        children = (HTTP_LATENCY.labels(method, endpoint),
                    HTTP_REQUESTS.labels(method, endpoint, str(status)))
        if len(_http_series) < HTTP_SERIES_KEPT:
            _http_series[key] = children
    return children


def _stop_timer(_exc=None):
    # Teardown may run late (when the response is closed), so it only keeps the
    # in-flight gauge; counting happens in `record_status`.
    global _in_flight
    if g.pop("metrics_started", None) is None:
        return
    with _in_flight_lock:
        _in_flight -= 1
    HTTP_IN_FLIGHT.dec()


def _time_redis(client):
    original = client.execute_command

    def execute_command(*args, **options):
        started, outcome = time.perf_counter(), "ok"
        try:
            return original(*args, **options)
        except Exception:
            outcome = "error"
            raise
        finally:
            name = str(args[0]).split(" ")[0].lower() if args else "?"
            REDIS_LATENCY.labels(name, outcome).observe(time.perf_counter() - started)

    client.execute_command = execute_command


def _instrument_socketio(server):
    manager = server.manager
    emit, send = manager.emit, server._send_eio_packet

    def counted_emit(event, *args, **kwargs):
        EVENTS_EMITTED.labels(event).inc()
        return emit(event, *args, **kwargs)

    def counted_send(eio_sid, pkt):
        PACKETS_DELIVERED.inc()
        return send(eio_sid, pkt)

    manager.emit = counted_emit
    server._send_eio_packet = counted_send
    if hasattr(manager, "_publish") and hasattr(manager, "_handle_emit"):
        _measure_queue_lag(manager)


def _measure_queue_lag(manager):
    publish, handle_emit = manager._publish, manager._handle_emit

    def stamped_publish(data):
        if isinstance(data, dict):
            data = {**data, "parley_sent": time.time()}
        return publish(data)

    def observed_handle_emit(message):
        sent = message.get("parley_sent") if isinstance(message, dict) else None
        if isinstance(sent, (int, float)):
            QUEUE_LAG.observe(max(0.0, time.time() - sent))
        return handle_emit(message)

    manager._publish = stamped_publish
    manager._handle_emit = observed_handle_emit


def refresh_socket_gauges():
    """Set the socket and room gauges from this process's Socket.IO manager."""
    server = socketio.server
    rooms = server.manager.rooms.get("/", {}) if server is not None else {}
    SOCKETS.set(len(rooms.get(None, ())))
    # Every socket also sits in a room named by its own sid; those are not rooms.
    ROOMS.set(sum(1 for name, members in rooms.items()
                  if name is not None and members and name not in members))


def start_refresher(interval=5.0):
    """Keep this process's gauges fresh between scrapes (multi-process mode)."""
    def loop():
        while True:
            socketio.sleep(interval)
            try:
                refresh_socket_gauges()
            except Exception:  # noqa: BLE001 - a failed refresh must not end the loop
                log.exception("metrics refresh failed")

    socketio.start_background_task(loop)


def render():
    """The exposition text for /metrics and its content type."""
    refresh_socket_gauges()
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
