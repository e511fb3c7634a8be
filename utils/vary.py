"""Adding a name to a response's Vary header without werkzeug's round trip.

`response.vary.add(name)` parses the header into a set and writes the set back
as text; two of them (Origin for CORS, Cookie for the session) were 3-4 % of a
cached read (py-spy). A header that is absent, or a plain list of tokens as
werkzeug writes it ("Origin, Cookie"), is read and extended as text here, with
the same result; any other header still goes through werkzeug.
"""
import re

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PLAIN_LIST = re.compile(f"{_TOKEN}(?:, {_TOKEN})*")


def vary_on(response, name):
    """`response.vary.add(name)`, for a token `name`."""
    current = response.headers.get("Vary")
    if current is None:
        response.headers["Vary"] = name
    elif not _PLAIN_LIST.fullmatch(current):
        response.vary.add(name)
    elif name.lower() not in current.lower().split(", "):
        response.headers["Vary"] = f"{current}, {name}"
