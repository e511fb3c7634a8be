"""Input schemas, one module per domain (see utils.validation)."""
import re

# The one rule for URLs users give (GIFs, room pictures): https only, the scheme
# in any case (so `JAVASCRIPT:`/`HTTP:` cannot slip past a lower-case prefix
# check), no protocol-relative `//host`, no spaces or quotes.
HTTPS_URL_RE = re.compile(r"^https://[^\s<>\"'\\]{1,2000}$", re.IGNORECASE)


def is_https_url(value):
    return bool(HTTPS_URL_RE.match(value))
