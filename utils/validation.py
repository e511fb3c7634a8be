"""Input at the edge: request bodies and query strings into typed values.

Schemas are pydantic models in strict mode, so a dict or list where a string
belongs (`{"$ne": null}`, `["a"]`) is refused with a 400 before any service
or query sees it. Unknown keys are ignored (the SPA sends a few extra ones).
"""
import re

from flask import request
from pydantic import BaseModel, ConfigDict, ValidationError

from utils.errors import ValidationFailed

OBJECT_ID_RE = re.compile(r"^[0-9a-fA-F]{24}$")


class Schema(BaseModel):
    """Base for every input schema.

    defer_build: a schema's validator is built on its first use, not when the
    module is imported, so start-up does not pay for ~100 schemas it may not need
    for a while (issue 12, cold start). Validation is the same either way."""

    model_config = ConfigDict(strict=True, extra="ignore", str_strip_whitespace=False,
                              defer_build=True)


def _messages(exc: ValidationError):
    messages = []
    for err in exc.errors():
        field = ".".join(str(part) for part in err["loc"]) or "body"
        text = err["msg"]
        if err["type"] == "missing":
            text = "is required"
        elif err["type"] in {"string_type", "int_type", "bool_type", "dict_type", "list_type",
                             "float_type", "model_type"}:
            text = "has the wrong type"
        elif text.startswith("Value error, "):
            text = text[len("Value error, "):]
        messages.append(f"{field} {text}")
    return messages


# Integers a float represents exactly (2**53 is the largest run of them).
EXACT_INTEGER = 2 ** 53


def _integral_floats_as_ints(value):
    """JSON has one number type: `5.0` is the integer 5 (JSON Schema agrees), but
    json.loads makes it a float, which strict integer fields refuse. Floats
    with no fraction become ints; float fields take ints, so nothing else changes."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= EXACT_INTEGER:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def load(schema, data):
    """Validate `data` (already decoded) into `schema`, or raise a 400."""
    if not isinstance(data, dict):
        raise ValidationFailed("Request body must be a JSON object")
    try:
        return schema.model_validate(_integral_floats_as_ints(data))
    except ValidationError as exc:
        raise ValidationFailed(errors=_messages(exc)) from None


def json_body(required=True):
    """The request's JSON object; `{}` for an empty optional body."""
    if not request.is_json:
        if required:
            raise ValidationFailed("Content-Type must be application/json")
        return {}
    data = request.get_json(silent=True)
    if data is None:
        if not request.get_data() and not required:
            return {}
        raise ValidationFailed("Request body must be valid JSON")
    if not isinstance(data, dict):
        raise ValidationFailed("Request body must be a JSON object")
    return data


def parse_body(schema, required=True):
    """The request body validated into `schema`."""
    return load(schema, json_body(required=required))


def query_arg(name, default=None):
    """`request.args.get(name, default)`, without the exception werkzeug raises and
    catches inside `get` for a missing name (several per hot read add up)."""
    args = request.args
    return args[name] if name in args else default


def query_int(name, default, minimum=0, maximum=None):
    """An integer query parameter within bounds; a 400 names the parameter otherwise."""
    raw = query_arg(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d{1,9}", raw):
        raise ValidationFailed(f"{name} must be an integer")
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ValidationFailed(f"{name} must be {bound}")
    return value


def query_choice(name, choices, default):
    raw = query_arg(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ValidationFailed(f"{name} must be one of: {', '.join(choices)}")
    return raw


def query_id(name, required=False):
    raw = query_arg(name)
    if raw is None or raw == "":
        if required:
            raise ValidationFailed(f"{name} is required")
        return None
    if not OBJECT_ID_RE.match(raw):
        raise ValidationFailed(f"{name} must be a valid id")
    return raw.lower()


def paging(default_limit=20, max_limit=100, max_offset=10000):
    """`(limit, offset)` from the query string, with the contract's bounds."""
    limit = query_int("limit", default_limit, minimum=1, maximum=max_limit)
    offset = query_int("offset", 0, minimum=0, maximum=max_offset)
    return limit, offset


def pagination(limit, offset, total):
    """The contract's `pagination` object."""
    return {"limit": limit, "offset": offset, "total": total,
            "has_more": offset + limit < total}
