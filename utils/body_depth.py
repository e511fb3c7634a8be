"""JSON body depth limit (issue 16).

The JSON decoder recurses once per nesting level, so a body nested 10,000
deep ends in RecursionError (a 500) wherever it is parsed. No request of the
contract nests deeper than a few levels; a body deeper than MAX_JSON_DEPTH is
refused with 400 by a scan of the raw bytes, before anything parses it.
"""
import re

from flask import request

from utils.errors import ValidationFailed

MAX_JSON_DEPTH = 32

# The only bytes that matter for depth: brackets, and what opens, escapes or closes a string.
_SIGNIFICANT = re.compile(rb'[\[\]{}"\\]')


def json_depth_exceeds(raw, limit=MAX_JSON_DEPTH):
    """True when the JSON text `raw` (bytes) opens more than `limit` nested containers."""
    depth, in_string, skip_to = 0, False, -1
    for match in _SIGNIFICANT.finditer(raw):
        position, char = match.start(), match.group()
        if position <= skip_to:
            continue  # the character after a backslash inside a string
        if in_string:
            if char == b"\\":
                skip_to = position + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


def check_request():
    """before_request hook: 400 for a JSON body nested too deeply."""
    if request.is_json and json_depth_exceeds(request.get_data(cache=True)):
        raise ValidationFailed(f"Request body is nested deeper than {MAX_JSON_DEPTH} levels")


def init_app(app):
    app.before_request(check_request)
