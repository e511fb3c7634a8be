"""UTC time, in one place so tests can move the clock."""
from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def utcnow():
    return datetime.now(timezone.utc) + _offset


def isoformat(dt):
    """ISO 8601 in UTC with millisecond precision and a `Z` suffix.

    The contract's older server wrote UTC without a zone suffix, which a
    browser reads as local time; with `Z` every client reads the right instant.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def advance_clock(delta):
    """Move this process's clock forward (tests only: bans that end, codes that expire)."""
    global _offset
    _offset += delta


def reset_clock():
    global _offset
    _offset = timedelta(0)
