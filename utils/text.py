"""User text: validation (rest-content §1.7), HTML stripping and the content filter.

`clean_message(text)` is what every post, comment and message goes through
before it is stored. The filter's word and link policy are configurable
(`CONTENT_FILTER_WORDS`, `CONTENT_FILTER_LINKS`) with the contract's
behaviour as the default.
"""
import html
import re

import nh3
from flask import current_app, has_app_context

from utils.errors import ValidationFailed

MAX_MESSAGE_LENGTH = 2000
DEFAULT_WORDS = ("fuck", "shit", "cunt", "bitch", "asshole")
URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
WHITESPACE_RUN_RE = re.compile(r"\s{10,}")


def sanitize_text(text):
    """Strip every HTML tag (content of script/style dropped), keep the plain text."""
    cleaned = nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
    return html.unescape(cleaned)


def check_message_text(text, allow_empty=False):
    """The contract's message validation; returns the trimmed text."""
    if not isinstance(text, str):
        raise ValidationFailed("Message must be text")
    text = text.strip()
    if not text and not allow_empty:
        raise ValidationFailed("Message cannot be empty")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed("Message must be less than 2000 characters long")
    if WHITESPACE_RUN_RE.search(text):
        raise ValidationFailed("Message contains excessive whitespace")
    return text


def _filter_settings():
    if has_app_context():
        config = current_app.config
        return (config.get("CONTENT_FILTER_WORDS", DEFAULT_WORDS),
                config.get("CONTENT_FILTER_LINKS", True))
    return DEFAULT_WORDS, True


def content_filter(text):
    words, remove_links = _filter_settings()
    if remove_links:
        text = URL_RE.sub("[Link removed]", text)
    if words:
        pattern = r"\b(" + "|".join(re.escape(word) for word in words) + r")\b"
        text = re.sub(pattern, lambda m: "*" * len(m.group(0)), text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def clean_message(text, allow_empty=False):
    """Validate, strip HTML and filter: the stored form of user text."""
    return content_filter(sanitize_text(check_message_text(text, allow_empty=allow_empty)))


def escape_search(term, max_length=100):
    """User input for a case-insensitive substring search, regex-escaped."""
    return re.escape(term.strip()[:max_length])
