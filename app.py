"""The application factory. Nothing here runs at import time."""
import logging

import redis
from engineio.payload import Payload
from socketio import RedisManager
from werkzeug.middleware.proxy_fix import ProxyFix

import models
from commands import register_commands
from config import load_config
from devservices import ensure_services
from extensions import cors, limiter, socketio
from routes import register_blueprints
from services import (activity_counts, email_service, email_worker, metrics, presence,
                      voip_cleanup)
from socketio_handlers import register_socket_handlers
from utils import body_depth, csrf, unavailable
from utils.cors_cache import cache_cors_headers
from utils.errors import register_error_handlers
from utils.flask_app import ParleyFlask
from utils.json_provider import FastJSONProvider
from utils.logging_setup import configure_logging, init_request_ids
from utils.redis_client import (BOUNDED_REDIS_MODULE, bounded_pool, create_bytes_client,
                                create_client)
from utils.session_store import PrefetchingRedisSessionInterface
from utils.websocket_compression import without_websocket_compression

log = logging.getLogger(__name__)


def create_app(config=None):
    """Build the app from `config` (a Config object, an APP_ENV name, or None for APP_ENV)."""
    config = config if config is not None and not isinstance(config, str) else load_config(config)
    configure_logging(config.LOG_LEVEL, config.LOG_FORMAT)
    ensure_services(config)

    app = ParleyFlask(__name__)
    app.config.from_object(config)
    app.json = FastJSONProvider(app)
    if config.TRUSTED_PROXIES:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES,
                                x_proto=config.TRUSTED_PROXIES, x_host=config.TRUSTED_PROXIES)

    _init_data_services(app)
    _init_web_extensions(app)
    email_service.init_app(app)
    init_request_ids(app)
    register_error_handlers(app)
    _init_fault_guards(app)
    register_blueprints(app)
    _limit_only_limited_routes(app)
    register_socket_handlers()
    register_commands(app)
    _init_socketio(app)
    metrics.init_app(app)
    presence.start(app)  # heartbeat + dead-process sweep (PRESENCE_HEARTBEAT_SECONDS)
    voip_cleanup.start(app)  # call cleanup task (VOIP_CLEANUP_INTERVAL; off in tests)
    activity_counts.start(app)  # counters flush (CHAT_COUNTER_FLUSH_SECONDS; off in tests)
    email_worker.start(app)  # notification email queue (EMAIL_QUEUE_INTERVAL; off in tests)
    return app


def _init_data_services(app):
    models.init_app(app)
    app.extensions["redis"] = create_client(app.config["REDIS_URL"], app.config["REDIS_POOL_SIZE"])


def _init_web_extensions(app):
    app.config.update(
        SESSION_KEY_PREFIX="session:",
        RATELIMIT_STORAGE_URI=app.config["REDIS_URL"],
        RATELIMIT_STORAGE_OPTIONS={"connection_pool": bounded_pool(
            app.config["REDIS_URL"], app.config["REDIS_POOL_SIZE"])},
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_ENABLED=app.config["RATELIMIT_ENABLED"],
    )
    # Session bytes are msgpack (Flask-Session's format): a client without decoding.
    app.session_interface = PrefetchingRedisSessionInterface(
        app, create_bytes_client(app.config["REDIS_URL"], app.config["REDIS_POOL_SIZE"]),
        app.config["SESSION_KEY_PREFIX"])
    limiter.init_app(app)
    cors.init_app(
        app, origins=app.config["CORS_ORIGINS"], supports_credentials=True,
        methods=["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"],
        allow_headers=["Content-Type", "Authorization", "X-Requested-With", "X-Skip-Toasts"],
    )
    cache_cors_headers(app)


def _limit_only_limited_routes(app):
    """Every limit Parley sets is a decorator on its route, checked by that
    decorator. Flask-Limiter's before_request hook applies only application-wide,
    default, blueprint and meta limits; with none configured it finds nothing on
    any request, so it is removed and a route without a limit never consults it."""
    manager = limiter.limit_manager
    if (manager.application_limits or manager.default_limits
            or getattr(manager, "_blueprint_limits", True) or getattr(limiter, "_meta_limits", True)):
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [hook for hook in hooks
                                      if hook != limiter._check_request_limit]


def _init_fault_guards(app):
    """Issue 16: outages answer 503, forged cross-site writes 403, over-deep bodies 400."""
    unavailable.init_app(app)
    csrf.init_app(app)
    body_depth.init_app(app)
    # Engine.IO refuses a long-polling POST of more than 16 packets by default and the
    # client's whole batch is lost: a burst right after connecting, before the WebSocket
    # upgrade, is more than that. Packets per payload are bounded by this and the bytes
    # by ENGINEIO_MAX_HTTP_BUFFER_BYTES (_init_socketio); per-user rates answer the rest.
    Payload.max_decode_packets = app.config["ENGINEIO_MAX_PAYLOAD_PACKETS"]


def _origin_check(allowed):
    """Socket.IO origins: the configured list, plus the server's own origin
    (the SPA served by Parley itself, behind any host name)."""
    allowed = set(allowed)

    def check(origin, environ):
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin in allowed or origin == own

    return check


class QueueManager(RedisManager):
    """The Socket.IO queue's manager as Flask-SocketIO makes it, with Parley's bounded
    pool (utils/redis_client.py): Flask-SocketIO passes no options to its client, and
    python-socketio makes it with `Redis.from_url` of the module this method names."""

    def _get_redis_module(self):
        module = super()._get_redis_module()
        return BOUNDED_REDIS_MODULE if module is redis else module


def queue_manager(url, max_connections):
    return QueueManager(url, channel="flask-socketio",
                        redis_options={"max_connections": max_connections})


def _init_socketio(app):
    queue = app.config["REDIS_URL"] if app.config["SOCKETIO_MESSAGE_QUEUE"] else None
    manager = queue_manager(queue, app.config["REDIS_POOL_SIZE"]) if queue else None
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=queue,
        **({"client_manager": manager} if manager else {}),
        manage_session=False,  # handlers read the live server-side session
        cors_allowed_origins=_origin_check(app.config["CORS_ORIGINS"]),
        cors_credentials=True,
        json=None,
        max_http_buffer_size=app.config["ENGINEIO_MAX_HTTP_BUFFER_BYTES"],
        logger=False,
        engineio_logger=False,
    )
    # Outside Flask-SocketIO's middleware, which init_app has just put around the app.
    app.wsgi_app = without_websocket_compression(app.wsgi_app)
    if queue:
        log.info("Socket.IO message queue on Redis")
