"""Settings that reload without a restart (SIGHUP, or the deploy's own trigger).

SETTINGS_FILE names a JSON file; every key is optional and a missing key
keeps the current value:

    {"rate_limits": {"auth_login": "10 per minute"},
     "content_filter_words": ["spam"], "content_filter_links": true,
     "slow_mode_default_seconds": 0, "log_level": "INFO"}

The whole file is validated before anything is replaced: a file that does not
parse or does not validate is refused with one log line and the old settings
stay. Rate limits are read at request time through `rate_limit(name, default)`,
the content filter reads CONTENT_FILTER_WORDS / CONTENT_FILTER_LINKS from the
config on every call, so replacing the config values is enough.
"""
import json
import logging
from typing import Literal

from flask import current_app, has_app_context
from limits import parse_many
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

log = logging.getLogger(__name__)

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ReloadableSettings(BaseModel):
    # defer_build: the validator is built when a settings file is first read, not at
    # import, where it was the first pydantic model built (0.02-0.04 s of start-up, issue 12).
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    rate_limits: dict[str, str] | None = None
    content_filter_words: list[str] | None = Field(default=None, max_length=5000)
    content_filter_links: bool | None = None
    slow_mode_default_seconds: int | None = Field(default=None, ge=0, le=86400)
    log_level: LogLevel | None = None

    @field_validator("rate_limits")
    @classmethod
    def _valid_limits(cls, value):
        for name, rate in (value or {}).items():
            try:
                if not parse_many(rate):
                    raise ValueError
            except ValueError:
                raise ValueError(f"rate limit {name!r}: {rate!r} is not a rate") from None
        return value

    @field_validator("content_filter_words")
    @classmethod
    def _valid_words(cls, value):
        if value is not None and any(not word.strip() or len(word) > 100 for word in value):
            raise ValueError("filter words must be non-empty and at most 100 characters")
        return [word.strip() for word in value] if value is not None else value


class SettingsError(ValueError):
    """The settings file cannot be used."""


def read_settings(path):
    """Parse and validate `path`; raises SettingsError with a one-line reason."""
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        return ReloadableSettings.model_validate(raw)
    except (OSError, ValueError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise SettingsError(f"{type(exc).__name__}: {reason}".replace("\n", " ")) from None


def apply_settings(app, settings):
    """Replace the reloadable values of `app.config` with those `settings` sets."""
    config = app.config
    if settings.rate_limits is not None:
        config["RATE_LIMITS"] = {**config.get("RATE_LIMITS", {}), **settings.rate_limits}
    if settings.content_filter_words is not None:
        config["CONTENT_FILTER_WORDS"] = list(settings.content_filter_words)
    if settings.content_filter_links is not None:
        config["CONTENT_FILTER_LINKS"] = settings.content_filter_links
    if settings.slow_mode_default_seconds is not None:
        config["SLOW_MODE_DEFAULT_SECONDS"] = settings.slow_mode_default_seconds
    if settings.log_level is not None:
        config["LOG_LEVEL"] = settings.log_level
        logging.getLogger().setLevel(settings.log_level)


def reload_settings(app, path=None):
    """Load SETTINGS_FILE into `app`; True when applied, False when refused (old kept)."""
    path = path or app.config.get("SETTINGS_FILE")
    if not path:
        return False
    try:
        settings = read_settings(path)
    except SettingsError as exc:
        log.error("settings reload refused, keeping the old settings: %s: %s", path, exc)
        return False
    apply_settings(app, settings)
    log.warning("settings reloaded from %s", path)
    return True


def load_at_startup(app):
    """Startup is stricter than reload: a bad file stops the process."""
    path = app.config.get("SETTINGS_FILE")
    if path:
        try:
            apply_settings(app, read_settings(path))
        except SettingsError as exc:
            raise SystemExit(f"SETTINGS_FILE {path}: {exc}") from None


def rate_limit(name, default):
    """A Flask-Limiter limit value read at request time: `limiter.limit(rate_limit(...))`."""
    def current():
        if has_app_context():
            return current_app.config.get("RATE_LIMITS", {}).get(name, default)
        return default
    return current
