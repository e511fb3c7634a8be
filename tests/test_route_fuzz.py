"""Route fuzz (issue 16): every route in the url_map, every method, with
malformed input (wrong types, huge strings, deep nesting, null, arrays, bad
ids), as a member and anonymously. No answer may be a 5xx and nothing may be
logged with a traceback. Bounded: a fixed list of variants per route, no
randomness, so the run is the same every time (and takes well under 60 s)."""
import json
import logging

import pytest

from tests import factories
from tests.conftest import new_client


@pytest.fixture
def config_overrides():
    return {"RATELIMIT_ENABLED": False}


BAD_IDS = ["nope", "0" * 24, "ffffffffffffffffffffffff", "-1", "x" * 300, "null"]
DEEP = "[" * 40 + "]" * 40
DEEPER = '{"a":' * 10_000 + "1" + "}" * 10_000  # RecursionError in the decoder, unguarded
HUGE = "x" * 200_000
FIELDS = ["content", "name", "title", "to_user_id", "user_id", "room_id", "topic_id", "reason",
          "identifier", "username", "email", "password", "code", "status", "limit", "tags"]
BODIES = [
    None,
    "{}",
    "[]",
    "null",
    '"a string"',
    "12345",
    "{not json",
    DEEP,
    DEEPER,
    json.dumps({field: None for field in FIELDS}),
    json.dumps({field: [1, {"$ne": None}] for field in FIELDS}),
    json.dumps({field: {"$gt": ""} for field in FIELDS}),
    json.dumps({field: 10 ** 30 for field in FIELDS}),
    json.dumps({field: HUGE for field in FIELDS[:4]}),
    json.dumps({field: True for field in FIELDS}),
]
QUERIES = ["", "?limit=abc&offset=-5&page=x&before_message_id=zz&after_message_id=" + "f" * 24,
           "?limit=" + "9" * 40 + "&q=" + "%00" * 50]


def paths(rule):
    """The rule's URL with each bad id in every variable part (one path per bad id)."""
    if not rule.arguments:
        return [rule.rule]
    out = []
    for bad in BAD_IDS:
        path = rule.rule
        for argument in rule.arguments - set(rule.defaults or {}):  # defaults fill no URL part
            converter = rule._converters[argument]
            value = "999999999999" if type(converter).__name__ == "IntegerConverter" else bad
            path = path.replace(f"<{argument}>", value)
            for prefix in ("int:", "string:", "path:"):
                path = path.replace(f"<{prefix}{argument}>", value)
        out.append(path)
    return out


def requests_for(rule):
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    for path in paths(rule):
        for method in methods:
            if method == "GET":
                for query in QUERIES:
                    yield method, path + query, None
            else:
                for body in BODIES:
                    yield method, path, body


def fire(client, method, url, body):
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    return client.open(url, method=method, **kwargs)


def test_no_route_answers_5xx_to_malformed_input(app, auth, caplog):
    caplog.set_level(logging.ERROR)
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint != "static" and not rule.rule.startswith("/socket.io")]
    member = auth.user()
    failures, sent, statuses = [], 0, {}
    for rule in rules:
        clients = {"anonymous": new_client(app), "member": new_client(app)}
        with app.app_context():
            factories.login(clients["member"], member)
        for who, client in clients.items():
            for method, url, body in requests_for(rule):
                response = fire(client, method, url, body)
                sent += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append((who, method, url, (body or "")[:80], response.status_code))
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    print(f"\nroute fuzz: {len(rules)} routes, {sent} requests, {len(failures)} answers >= 500;"
          f" statuses {dict(sorted(statuses.items()))}")
    assert not failures, failures[:20]
    assert not tracebacks, tracebacks[:5]
