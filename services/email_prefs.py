"""The email settings inside a user's preferences object, and their defaults.

`email_missed_messages` (bool, default on): missed-message emails.
`email_digest` (`off` | `daily` | `weekly`, default off): the digest.
Stored with the other preferences and merged the same way (never replaced).
"""
from services.auth_service import update_preferences

MISSED_KEY = "email_missed_messages"
DIGEST_KEY = "email_digest"
DIGEST_CHOICES = ("off", "daily", "weekly")
LANGUAGES = ("en", "pt")

# list name in an unsubscribe link -> (preference key, value that turns it off)
LISTS = {"missed": (MISSED_KEY, False), "digest": (DIGEST_KEY, "off")}


def wants_missed(user):
    return (user.get("preferences") or {}).get(MISSED_KEY, True) is not False


def digest_frequency(user):
    value = (user.get("preferences") or {}).get(DIGEST_KEY, "off")
    return value if value in DIGEST_CHOICES else "off"


def language(user):
    value = ((user.get("preferences") or {}).get("language") or "en")[:2].lower()
    return value if value in LANGUAGES else "en"


def turn_off(user, list_name):
    name, off_value = LISTS[list_name]
    update_preferences(user, {name: off_value})
