"""Configuration read from the environment (a `.env` file is honoured).

One base class holds every setting with its typed parsing; the development,
testing and production classes change only what differs. `load_config()`
picks the class named by APP_ENV.
"""
import os
from datetime import timedelta

from dotenv import load_dotenv

DEFAULT_SECRET = "dev-insecure-secret-change-me"


def env_str(name, default=None):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_int(name, default):
    value = env_str(name)
    return default if value is None else int(value)


def env_bool(name, default=False):
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = env_str(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


class ConfigError(RuntimeError):
    """A setting that makes the server unsafe or unable to start."""


class Config:
    def __init__(self):
        # --- runtime ---
        self.APP_ENV = env_str("APP_ENV", "development")
        self.HOST = env_str("HOST", "127.0.0.1")
        self.PORT = env_int("PORT", 5000)
        self.DEBUG = env_bool("DEBUG", False)
        self.TESTING = False
        self.SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET)
        self.ASYNC_MODE = env_str("ASYNC_MODE", "gevent")
        self.VAR_DIR = env_str("VAR_DIR", os.path.abspath("var"))

        # --- data services (unset: the embedded default starts them) ---
        self.MONGO_URI = env_str("MONGO_URI")
        self.MONGO_DB_NAME = env_str("MONGO_DB_NAME", "parley")
        self.REDIS_URL = env_str("REDIS_URL")
        self.SOCKETIO_MESSAGE_QUEUE = env_bool("SOCKETIO_MESSAGE_QUEUE", True)
        # Presence: each process renews a heartbeat; a crashed one's sockets are swept.
        self.PRESENCE_HEARTBEAT_SECONDS = env_int("PRESENCE_HEARTBEAT_SECONDS", 15)
        self.PRESENCE_COUNT_INTERVAL = float(env_str("PRESENCE_COUNT_INTERVAL", "1"))

        # --- web ---
        self.FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000")
        self.CORS_ORIGINS = env_list(
            "CORS_ORIGINS",
            [self.FRONTEND_URL, "http://localhost:5000", "http://127.0.0.1:5000"],
        )
        self.TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
        # WebAuthn relying party id; unset: FRONTEND_URL's host (the origin is FRONTEND_URL)
        self.PASSKEY_RP_ID = env_str("PASSKEY_RP_ID")
        self.SESSION_COOKIE_NAME = "session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False
        self.SESSION_PERMANENT = False
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=env_int("SESSION_LIFETIME_DAYS", 14))
        self.MAX_CONTENT_LENGTH = env_int("MAX_REQUEST_BYTES", 16 * 1024 * 1024)

        # --- limits ---
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        self.MAX_ATTACHMENT_BYTES = env_int("MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
        self.UPLOAD_DIR = env_str("UPLOAD_DIR", os.path.join(self.VAR_DIR, "uploads"))
        self.MAX_PROFILE_IMAGE_BYTES = env_int("MAX_PROFILE_IMAGE_BYTES", 5 * 1024 * 1024)

        # --- chat ---
        self.CHAT_SEND_LIMIT = env_int("CHAT_SEND_LIMIT", 30)        # messages per user ...
        self.CHAT_SEND_WINDOW = env_int("CHAT_SEND_WINDOW", 10)      # ... per this many seconds
        self.MAX_ATTACHMENTS_PER_MESSAGE = env_int("MAX_ATTACHMENTS_PER_MESSAGE", 10)

        # --- support tickets ---
        self.TICKET_MAX_MESSAGES = env_int("TICKET_MAX_MESSAGES", 200)  # user replies stop here
        self.TICKET_REPLY_LIMIT = env_int("TICKET_REPLY_LIMIT", 30)     # replies per user ...
        self.TICKET_REPLY_WINDOW = env_int("TICKET_REPLY_WINDOW", 3600)  # ... per this many seconds

        # --- content write limits: per user, <NAME>_LIMIT writes per <NAME>_WINDOW seconds ---
        self.POST_CREATE_LIMIT = env_int("POST_CREATE_LIMIT", 10)
        self.POST_CREATE_WINDOW = env_int("POST_CREATE_WINDOW", 60)
        self.COMMENT_CREATE_LIMIT = env_int("COMMENT_CREATE_LIMIT", 30)
        self.COMMENT_CREATE_WINDOW = env_int("COMMENT_CREATE_WINDOW", 60)
        self.VOTE_LIMIT = env_int("VOTE_LIMIT", 120)
        self.VOTE_WINDOW = env_int("VOTE_WINDOW", 60)
        self.REPORT_LIMIT = env_int("REPORT_LIMIT", 20)
        self.REPORT_WINDOW = env_int("REPORT_WINDOW", 3600)
        # topic invitations, and chat-room invitations (incl. those sent by group creation)
        self.TOPIC_INVITE_LIMIT = env_int("TOPIC_INVITE_LIMIT", 100)
        self.TOPIC_INVITE_WINDOW = env_int("TOPIC_INVITE_WINDOW", 3600)
        self.CHAT_INVITE_LIMIT = env_int("CHAT_INVITE_LIMIT", 100)
        self.CHAT_INVITE_WINDOW = env_int("CHAT_INVITE_WINDOW", 3600)

        # --- content filter (posts, comments, messages; rest-content §1.7) ---
        self.CONTENT_FILTER_LINKS = env_bool("CONTENT_FILTER_LINKS", True)
        self.CONTENT_FILTER_WORDS = env_list(
            "CONTENT_FILTER_WORDS", ["fuck", "shit", "cunt", "bitch", "asshole"])

        # --- email ---
        self.EMAIL_BACKEND = env_str("EMAIL_BACKEND", "console")
        self.SMTP_HOST = env_str("SMTP_HOST", "localhost")
        self.SMTP_PORT = env_int("SMTP_PORT", 587)
        self.SMTP_USERNAME = env_str("SMTP_USERNAME")
        self.SMTP_PASSWORD = env_str("SMTP_PASSWORD")
        self.SMTP_USE_TLS = env_bool("SMTP_USE_TLS", True)
        self.MAIL_FROM = env_str("MAIL_FROM", "Parley <no-reply@localhost>")
        self.SENDGRID_API_KEY = env_str("SENDGRID_API_KEY")
        self.SENDGRID_API_URL = env_str("SENDGRID_API_URL", "https://api.sendgrid.com")

        # --- voice calls (WebRTC signalling) ---
        self.VOIP_STUN_URLS = env_list("VOIP_STUN_URLS", [
            "stun:stun.l.google.com:19302", "stun:stun1.l.google.com:19302"])
        self.TURN_URLS = env_list("TURN_URLS")
        self.TURN_SECRET = env_str("TURN_SECRET")
        self.TURN_TTL_SECONDS = env_int("TURN_TTL_SECONDS", 24 * 3600)
        self.VOIP_HEARTBEAT_TIMEOUT = env_int("VOIP_HEARTBEAT_TIMEOUT", 90)
        self.VOIP_MAX_CALL_SECONDS = env_int("VOIP_MAX_CALL_SECONDS", 4 * 3600)
        self.VOIP_CLEANUP_INTERVAL = env_int("VOIP_CLEANUP_INTERVAL", 30)

        # --- operations: reloadable settings, shutdown (issue 7) ---
        self.SETTINGS_FILE = env_str("SETTINGS_FILE")
        self.SHUTDOWN_GRACE_SECONDS = env_int("SHUTDOWN_GRACE_SECONDS", 20)
        # rooms' message_count/last_activity lag by at most this (services/chat_cache.py)
        self.CHAT_COUNTER_FLUSH_SECONDS = float(env_str("CHAT_COUNTER_FLUSH_SECONDS", "1"))
        self.RATE_LIMITS = {}
        self.SLOW_MODE_DEFAULT_SECONDS = env_int("SLOW_MODE_DEFAULT_SECONDS", 0)
        self.METRICS_TOKEN = env_str("METRICS_TOKEN")  # set: /metrics wants this bearer token

        # --- faults, durability, CSRF, lockout (issue 16) ---
        # A paused or unreachable MongoDB fails a request (503) after these, not never.
        self.MONGO_CONNECT_TIMEOUT_MS = env_int("MONGO_CONNECT_TIMEOUT_MS", 2000)
        self.MONGO_SOCKET_TIMEOUT_MS = env_int("MONGO_SOCKET_TIMEOUT_MS", 10000)
        # Engine.IO: one long-polling POST may carry this many packets / bytes.
        self.ENGINEIO_MAX_PAYLOAD_PACKETS = env_int("ENGINEIO_MAX_PAYLOAD_PACKETS", 512)
        self.ENGINEIO_MAX_HTTP_BUFFER_BYTES = env_int("ENGINEIO_MAX_HTTP_BUFFER_BYTES",
                                                      16 * 1024 * 1024)
        # Failed sign-ins: per account (browsers without a device cookie) and per device cookie.
        self.LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
        self.LOGIN_DEVICE_FAILURE_LIMIT = env_int("LOGIN_DEVICE_FAILURE_LIMIT", 10)
        self.DEVICE_COOKIE_DAYS = env_int("DEVICE_COOKIE_DAYS", 180)

        # --- logging ---
        self.LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
        self.LOG_FORMAT = env_str("LOG_FORMAT", "json")

    def validate(self):
        """Hook for environment-specific refusals; the base accepts anything."""


class DevelopmentConfig(Config):
    def __init__(self):
        super().__init__()
        self.APP_ENV = "development"
        self.LOG_FORMAT = env_str("LOG_FORMAT", "text")


class TestingConfig(Config):
    def __init__(self):
        super().__init__()
        self.APP_ENV = "testing"
        self.TESTING = True
        self.SECRET_KEY = "testing-secret-key"
        self.MONGO_URI = env_str("TEST_MONGO_URI")
        self.REDIS_URL = env_str("TEST_REDIS_URL")
        self.MONGO_DB_NAME = "parley_test"
        self.ASYNC_MODE = "threading"
        self.SOCKETIO_MESSAGE_QUEUE = False
        self.PRESENCE_HEARTBEAT_SECONDS = 0  # tests call the sweep directly
        self.PRESENCE_COUNT_INTERVAL = 0  # broadcast at once, so tests see it
        self.VOIP_CLEANUP_INTERVAL = 0  # tests run the call sweep directly (or switch it on)
        self.CHAT_COUNTER_FLUSH_SECONDS = 0  # tests call chat_cache.flush_all directly
        self.LOG_FORMAT = "text"
        self.LOG_LEVEL = "WARNING"


class ProductionConfig(Config):
    def __init__(self):
        super().__init__()
        self.APP_ENV = "production"
        self.SESSION_COOKIE_SECURE = True
        self.SESSION_COOKIE_SAMESITE = "None"

    def validate(self):
        if not self.SECRET_KEY or self.SECRET_KEY == DEFAULT_SECRET or len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY must be set to a long random value in production")
        if self.DEBUG:
            raise ConfigError("DEBUG must be off in production")
        if any(origin.strip() == "*" for origin in self.CORS_ORIGINS):
            raise ConfigError("CORS_ORIGINS must list exact origins in production, not '*'")
        if not self.METRICS_TOKEN:  # issue 16: /metrics is never open in production
            raise ConfigError("METRICS_TOKEN must be set in production (/metrics wants it)")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None):
    """Build the config object for APP_ENV (or `name`), reading `.env` first."""
    load_dotenv(override=False)
    name = name or env_str("APP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    config = CONFIGS[name]()
    config.validate()
    return config
