"""Configuration read from the environment (a `.env` file is honoured).

Every setting is one row of SETTINGS: its name, how its environment value is
parsed, its default and an optional check. Adding a setting is adding a row
(and a row of the README's configuration table: tests/test_config_table.py
keeps the two in step). The development, testing and production classes change
only what differs; `load_config()` picks the class named by APP_ENV and checks
every value.
"""
import copy
import os
from datetime import timedelta
from typing import Any, Callable, NamedTuple, Optional

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
    return flag(value)


def env_list(name, default=()):
    value = env_str(name)
    if value is None:
        return list(default)
    return csv(value)


class ConfigError(RuntimeError):
    """A setting that makes the server unsafe or unable to start."""


# ----- how an environment value is parsed (the "type" of a row) -----

def text(raw):
    return raw


def flag(raw):
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def csv(raw):
    return [item.strip() for item in raw.split(",") if item.strip()]


def days(raw):
    return timedelta(days=int(raw))


# ----- checks: a value -> an error message, or None -----

def one_of(*choices):
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def at_least(low):
    return lambda value: None if value >= low else f"must be at least {low}"


def above_zero(value):
    return None if value > 0 else "must be above 0"


def hour_of_day(value):
    return None if 0 <= value < 24 else "must be an hour, 0-23"


def port(value):
    return None if 0 < value < 65536 else "must be a TCP port (1-65535)"


class Setting(NamedTuple):
    name: str                       # the attribute, and the key of app.config
    type: Callable[[str], Any]      # parses the environment value
    default: Any                    # a value, or a function of the settings read before it
    check: Optional[Callable] = None
    env: Optional[str] = None       # the environment variable, when it is not `name`

    @property
    def variable(self):
        return self.env or self.name

    def read(self, config):
        raw = env_str(self.variable)
        if raw is not None:
            return self.type(raw)
        if callable(self.default):
            return self.default(config)
        return copy.copy(self.default)  # a list default is never shared between configs


POSITIVE, NON_NEGATIVE = at_least(1), at_least(0)
MIB = 1024 * 1024
FILTERED_WORDS = ["fuck", "shit", "cunt", "bitch", "asshole"]
STUN_SERVERS = ["stun:stun.l.google.com:19302", "stun:stun1.l.google.com:19302"]

SETTINGS = (
    # --- runtime ---
    Setting("APP_ENV", text, "development", one_of("development", "testing", "production")),
    Setting("HOST", text, "127.0.0.1"),
    Setting("PORT", int, 5000, port),
    Setting("DEBUG", flag, False),
    Setting("SECRET_KEY", text, DEFAULT_SECRET),
    Setting("ASYNC_MODE", text, "gevent", one_of("gevent", "eventlet", "threading")),
    Setting("VAR_DIR", text, lambda config: os.path.abspath("var")),

    # --- data services (unset: the embedded default starts them) ---
    Setting("MONGO_URI", text, None),
    Setting("MONGO_DB_NAME", text, "parley"),
    Setting("REDIS_URL", text, None),
    Setting("SOCKETIO_MESSAGE_QUEUE", flag, True),
    # Connections each of the process's Redis pools opens at most (five pools: cache,
    # sessions, two rate-limit stores, the Socket.IO queue); past it a caller waits.
    Setting("REDIS_POOL_SIZE", int, 16, POSITIVE),
    # Presence: each process renews a heartbeat; a crashed one's sockets are swept.
    Setting("PRESENCE_HEARTBEAT_SECONDS", int, 15, NON_NEGATIVE),
    Setting("PRESENCE_COUNT_INTERVAL", float, 1.0, NON_NEGATIVE),

    # --- web ---
    Setting("FRONTEND_URL", text, "http://localhost:3000"),
    Setting("CORS_ORIGINS", csv, lambda config: [config.FRONTEND_URL, "http://localhost:5000",
                                                 "http://127.0.0.1:5000"]),
    Setting("TRUSTED_PROXIES", int, 0, NON_NEGATIVE),
    # WebAuthn relying party id; unset: FRONTEND_URL's host (the origin is FRONTEND_URL)
    Setting("PASSKEY_RP_ID", text, None),
    Setting("PERMANENT_SESSION_LIFETIME", days, timedelta(days=14), env="SESSION_LIFETIME_DAYS"),
    Setting("MAX_CONTENT_LENGTH", int, 16 * MIB, POSITIVE, env="MAX_REQUEST_BYTES"),

    # --- limits ---
    Setting("RATELIMIT_ENABLED", flag, True),
    Setting("MAX_ATTACHMENT_BYTES", int, 10 * MIB, POSITIVE),
    Setting("UPLOAD_DIR", text, lambda config: os.path.join(config.VAR_DIR, "uploads")),
    Setting("MAX_PROFILE_IMAGE_BYTES", int, 5 * MIB, POSITIVE),

    # --- chat: CHAT_SEND_LIMIT messages per user per CHAT_SEND_WINDOW seconds ---
    Setting("CHAT_SEND_LIMIT", int, 30, POSITIVE),
    Setting("CHAT_SEND_WINDOW", int, 10, POSITIVE),
    Setting("MAX_ATTACHMENTS_PER_MESSAGE", int, 10, NON_NEGATIVE),

    # --- support tickets: user replies stop at TICKET_MAX_MESSAGES ---
    Setting("TICKET_MAX_MESSAGES", int, 200, POSITIVE),
    Setting("TICKET_REPLY_LIMIT", int, 30, POSITIVE),
    Setting("TICKET_REPLY_WINDOW", int, 3600, POSITIVE),

    # --- content write limits: per user, <NAME>_LIMIT writes per <NAME>_WINDOW seconds ---
    Setting("POST_CREATE_LIMIT", int, 10, POSITIVE),
    Setting("POST_CREATE_WINDOW", int, 60, POSITIVE),
    Setting("COMMENT_CREATE_LIMIT", int, 30, POSITIVE),
    Setting("COMMENT_CREATE_WINDOW", int, 60, POSITIVE),
    Setting("VOTE_LIMIT", int, 120, POSITIVE),
    Setting("VOTE_WINDOW", int, 60, POSITIVE),
    Setting("REPORT_LIMIT", int, 20, POSITIVE),
    Setting("REPORT_WINDOW", int, 3600, POSITIVE),
    # topic invitations, and chat-room invitations (incl. those sent by group creation)
    Setting("TOPIC_INVITE_LIMIT", int, 100, POSITIVE),
    Setting("TOPIC_INVITE_WINDOW", int, 3600, POSITIVE),
    Setting("CHAT_INVITE_LIMIT", int, 100, POSITIVE),
    Setting("CHAT_INVITE_WINDOW", int, 3600, POSITIVE),

    # --- content filter (posts, comments, messages; rest-content §1.7) ---
    Setting("CONTENT_FILTER_LINKS", flag, True),
    Setting("CONTENT_FILTER_WORDS", csv, FILTERED_WORDS),

    # --- email ---
    Setting("EMAIL_BACKEND", text, "console", one_of("console", "smtp", "sendgrid")),
    Setting("SMTP_HOST", text, "localhost"),
    Setting("SMTP_PORT", int, 587, port),
    Setting("SMTP_USERNAME", text, None),
    Setting("SMTP_PASSWORD", text, None),
    Setting("SMTP_USE_TLS", flag, True),
    Setting("MAIL_FROM", text, "Parley <no-reply@localhost>"),
    Setting("SENDGRID_API_KEY", text, None),
    Setting("SENDGRID_API_URL", text, "https://api.sendgrid.com"),

    # --- notification emails: missed messages, digest, unsubscribe (issue 15) ---
    Setting("EMAIL_NOTIFY_ENABLED", flag, True),
    Setting("EMAIL_NOTIFY_DELAY", float, 120.0, NON_NEGATIVE),  # seconds
    Setting("EMAIL_QUEUE_INTERVAL", float, 15.0, NON_NEGATIVE),  # 0: no worker
    Setting("EMAIL_MAX_ATTEMPTS", int, 6, POSITIVE),
    Setting("EMAIL_RETRY_BASE_SECONDS", int, 30, POSITIVE),  # doubles per try
    Setting("EMAIL_UNSUBSCRIBE_MAX_AGE_DAYS", int, 60, POSITIVE),
    Setting("EMAIL_LINK_BASE_URL", text, lambda config: config.FRONTEND_URL),
    Setting("EMAIL_DIGEST_HOUR", int, 7, hour_of_day),  # UTC hour digests go out

    # --- voice calls (WebRTC signalling) ---
    Setting("VOIP_STUN_URLS", csv, STUN_SERVERS),
    Setting("TURN_URLS", csv, []),
    Setting("TURN_SECRET", text, None),
    Setting("TURN_TTL_SECONDS", int, 24 * 3600, POSITIVE),
    Setting("VOIP_HEARTBEAT_TIMEOUT", int, 90, POSITIVE),
    Setting("VOIP_MAX_CALL_SECONDS", int, 4 * 3600, POSITIVE),
    Setting("VOIP_CLEANUP_INTERVAL", int, 30, NON_NEGATIVE),

    # --- operations: reloadable settings, shutdown (issue 7) ---
    Setting("SETTINGS_FILE", text, None),
    Setting("SHUTDOWN_GRACE_SECONDS", int, 20, NON_NEGATIVE),
    # rooms' message_count, topics' post_count (with last_activity) and posts'
    # comment_count lag by at most this under a burst (services/activity_counts.py)
    Setting("CHAT_COUNTER_FLUSH_SECONDS", float, 1.0, NON_NEGATIVE),
    Setting("SLOW_MODE_DEFAULT_SECONDS", int, 0, NON_NEGATIVE),
    Setting("METRICS_TOKEN", text, None),  # set: /metrics wants this bearer token

    # --- GIFs: GIF_PROVIDER giphy | klipy | none; unset: the provider whose key is set.
    # TENOR_API_KEY is a deprecated alias of KLIPY_API_KEY (Tenor's API is closed). ---
    Setting("TENOR_API_KEY", text, None),
    Setting("GIPHY_API_KEY", text, None),
    Setting("KLIPY_API_KEY", text, lambda config: config.TENOR_API_KEY),
    Setting("GIF_PROVIDER", text, None),
    Setting("GIPHY_API_URL", text, "https://api.giphy.com"),
    Setting("KLIPY_API_URL", text, "https://api.klipy.com"),
    Setting("KLIPY_CLIENT_KEY", text, "parley"),
    Setting("GIPHY_RATING", text, "g"),  # the safest rating
    Setting("KLIPY_CONTENT_FILTER", text, "high"),  # the safest filter
    Setting("GIF_TIMEOUT_SECONDS", float, 3.0, above_zero),
    Setting("GIF_CACHE_SECONDS", int, 3600, POSITIVE),
    Setting("GIF_REQUEST_LIMIT", int, 60, POSITIVE),  # GIF requests per user ...
    Setting("GIF_REQUEST_WINDOW", int, 60, POSITIVE),  # ... per this many seconds
    # --- share links ---
    Setting("SHORT_LINK_LIMIT", int, 30, POSITIVE),  # share links per user ...
    Setting("SHORT_LINK_WINDOW", int, 3600, POSITIVE),  # ... per this many seconds
    # --- file storage: local (UPLOAD_DIR) | azure (a container in Azure Blob Storage) ---
    Setting("STORAGE_BACKEND", text, "local", one_of("local", "azure")),
    Setting("AZURE_STORAGE_CONNECTION_STRING", text, None),
    Setting("AZURE_STORAGE_CONTAINER", text, "parley-uploads"),

    # --- faults, durability, CSRF, lockout (issue 16) ---
    # A paused or unreachable MongoDB fails a request (503) after these, not never.
    Setting("MONGO_CONNECT_TIMEOUT_MS", int, 2000, POSITIVE),
    Setting("MONGO_SOCKET_TIMEOUT_MS", int, 10000, POSITIVE),
    # Engine.IO: one long-polling POST may carry this many packets / bytes.
    Setting("ENGINEIO_MAX_PAYLOAD_PACKETS", int, 512, POSITIVE),
    Setting("ENGINEIO_MAX_HTTP_BUFFER_BYTES", int, 16 * MIB, POSITIVE),
    # Failed sign-ins: per account (browsers without a device cookie) and per device cookie.
    Setting("LOGIN_ACCOUNT_FAILURE_LIMIT", int, 20, POSITIVE),
    Setting("LOGIN_DEVICE_FAILURE_LIMIT", int, 10, POSITIVE),
    Setting("DEVICE_COOKIE_DAYS", int, 180, POSITIVE),

    # --- logging ---
    Setting("LOG_LEVEL", text, "INFO"),
    Setting("LOG_FORMAT", text, "json", one_of("json", "text")),
)

# Not read from the environment.
FIXED = {
    "TESTING": False,
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_PERMANENT": False,
    "RATE_LIMITS": {},  # filled by SETTINGS_FILE (utils/settings_reload.py)
}


class Config:
    """The settings as attributes (`config.PORT`), read in table order, so a default
    may depend on a setting above it."""

    def __init__(self):
        for name, value in FIXED.items():
            setattr(self, name, copy.copy(value))
        for setting in SETTINGS:
            setattr(self, setting.name, setting.read(self))

    def errors(self):
        """`NAME: message` for every value its row's check refuses."""
        found = []
        for setting in SETTINGS:
            message = setting.check(getattr(self, setting.name)) if setting.check else None
            if message:
                found.append(f"{setting.variable}: {message}")
        return found

    def validate(self):
        """Every row's check; the environments add their own refusals."""
        errors = self.errors()
        if self.STORAGE_BACKEND == "azure" and not self.AZURE_STORAGE_CONNECTION_STRING:
            errors.append("STORAGE_BACKEND=azure needs AZURE_STORAGE_CONNECTION_STRING")
        if errors:
            raise ConfigError("; ".join(errors))


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
        self.EMAIL_QUEUE_INTERVAL = 0  # tests call email_worker.drain directly
        self.LOG_FORMAT = "text"
        self.LOG_LEVEL = "WARNING"


class ProductionConfig(Config):
    def __init__(self):
        super().__init__()
        self.APP_ENV = "production"
        self.SESSION_COOKIE_SECURE = True
        self.SESSION_COOKIE_SAMESITE = "None"

    def validate(self):
        super().validate()
        if not self.SECRET_KEY or self.SECRET_KEY == DEFAULT_SECRET or len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY must be set to a long random value in production")
        if self.DEBUG:
            raise ConfigError("DEBUG must be off in production")
        if any(origin.strip() == "*" for origin in self.CORS_ORIGINS):
            raise ConfigError("CORS_ORIGINS must list exact origins in production, not '*'")
        if not self.METRICS_TOKEN:  # /metrics is never open in production
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
