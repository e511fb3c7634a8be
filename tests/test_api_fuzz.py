"""Schema-driven fuzz: schemathesis over every operation of /api/openapi.json,
against a real server process, signed in as a member and anonymously.

Schemathesis' default checks run on every response: no 5xx, the status code
is documented, the body conforms to the documented schema (the main objects'
response models included), content type and headers as documented, invalid
input refused, schema-valid input accepted, a protected operation refuses a
request without or with a bad session cookie. A schema-valid request may get a
400 only from an operation whose description documents one (a refusal that
depends on stored state, apidocs/request_rules.py REFUSALS). Cases are positive,
negative, and positive on the member's seeded objects. Examples are bounded per
operation (FUZZ_EXAMPLES, default below) and derandomized, so the run is
deterministic and its length known.

`POST /api/auth/logout` ends the session it runs in: as the member it runs on
a throwaway user of its own, so the other operations keep a signed-in member.
"""
import os
import uuid
from collections import Counter
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.auths import AuthStorage
from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig
from schemathesis.generation import GenerationMode

import models
from app import create_app
from tests import factories
from tests.conftest import make_config
from tests.gif_stubs import KLIPY_KEY, klipy_routes
from tests.http_stub import StubServer
from tests.live_server import signed_in_session, start_server

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))  # per operation and identity
SESSION_ENDING = {"/api/auth/logout"}
EXCLUDED_CHECKS = []  # none: every default check runs


class Fuzzed:
    """The live server, its seeding app and the identities the fuzz uses."""

    def __init__(self, server, app):
        self.server, self.app = server, app
        member = self.new_user()
        self.member, self.member_id = signed_in_session(server.url, member), member["_id"]
        # Session-ending operations get these, made before hypothesis draws
        # anything (making users inside a strategy would use `random`).
        self.throwaway = [signed_in_session(server.url, self.new_user()).cookies["session"]
                          for _ in range(2 * EXAMPLES + 2)]
        # A client that keeps no cookies: only the cookie a case carries is sent,
        # never one a previous response set.
        self.http = requests.Session()
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.ids = self.seed()

    def seed(self):
        """Real objects of the member's, by path parameter name: a third of the
        cases use them, so operations get past their 404 to their rules."""
        other = self.new_user()
        with self.app.app_context():
            factories.make_friends({"_id": self.member_id}, other)
        made = {}
        for key, path, body in [
                ("topic", "/api/topics", {"title": "Fuzzed topic", "description": "seeded"}),
                ("post", "/api/posts/topics/{topic}/posts", {"title": "Seeded", "content": "x"}),
                ("comment", "/api/comments/posts/{post}/comments", {"content": "seeded"}),
                ("room", "/api/chat-rooms/topics/{topic}/conversations", {"name": "seeded"}),
                ("message", "/api/chat-rooms/{room}/messages", {"content": "seeded"}),
                ("ticket", "/api/tickets", {"subject": "Seeded ticket", "category": "technical",
                                            "description": "A seeded ticket for the fuzz."})]:
            response = self.member.post(self.server.url + path.format(**made), json=body,
                                        timeout=30)
            assert response.status_code in (200, 201), response.text
            made[key] = response.json()["data"]["id"]
        other_id = str(other["_id"])
        return {"topic_id": made["topic"], "post_id": made["post"],
                "comment_id": made["comment"], "room_id": made["room"],
                "message_id": made["message"], "ticket_id": made["ticket"],
                "item_id": made["topic"], "user_id": other_id, "other_user_id": other_id,
                "friend_id": other_id}

    def path_ids(self, operation):
        """The seeded ids for `operation`'s path parameters (None when it has none)."""
        names = [p.name for p in operation.path_parameters]
        fixed = {name: self.ids[name] for name in names if name in self.ids}
        return fixed or None

    def new_user(self):
        with self.app.app_context():
            return factories.create_user(username=f"fz{uuid.uuid4().hex[:10]}")

    def member_cookie(self, case):
        if case.path in SESSION_ENDING:  # never the member's own session
            return self.throwaway.pop() if self.throwaway else "spent"
        return self.member.cookies["session"]


class MemberCookie:
    """Schemathesis auth provider: the member's session cookie on every case, so
    its check that a protected operation refuses a request without (or with a
    bad) cookie knows which cookie is the real credential."""

    def __init__(self, fuzzed):
        self.fuzzed = fuzzed

    def get(self, case, context):
        return self.fuzzed.member_cookie(case)

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "session": data}


@pytest.fixture(scope="module")
def fuzzed(service_urls):
    config = make_config(service_urls)
    app = create_app(config)
    with app.app_context():
        models.create_indexes()
    # The GIF routes talk to a local KLIPY stand-in (it has all four of their
    # upstream calls), so the fuzz reaches the provider code, not "not configured".
    klipy = StubServer(klipy_routes()).__enter__()
    server = start_server(service_urls, config.MONGO_DB_NAME, extra_env={
        "GIF_PROVIDER": "klipy", "KLIPY_API_KEY": KLIPY_KEY, "KLIPY_API_URL": klipy.url})
    try:
        yield Fuzzed(server, app)
    finally:
        server.stop()
        klipy.__exit__(None, None, None)
        app.extensions["mongo_client"].drop_database(config.MONGO_DB_NAME)
        app.extensions["mongo_client"].close()


def refusal_config(document):
    """Schemathesis configuration from the description: an operation that
    documents its own `400` (a refusal that depends on stored state, such as a
    wrong code; apidocs/request_rules.py REFUSALS) may answer a schema-valid
    request with it; every other operation must accept schema-valid data."""
    refusing = sorted(operation["operationId"] for item in document["paths"].values()
                      for operation in item.values() if "400" in operation["responses"])
    statuses = [*PositiveDataAcceptanceConfig().expected_statuses, "400"]
    return SchemathesisConfig.from_dict({"operations": [{
        "include-operation-id": refusing,
        "checks": {"positive_data_acceptance": {"expected-statuses": statuses}}}]})


@pytest.fixture(scope="module")
def api_schema(fuzzed):
    url = fuzzed.server.url + "/api/openapi.json"
    document = requests.get(url, timeout=30).json()
    return schemathesis.openapi.from_url(url, config=refusal_config(document))


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                         phases=[Phase.explicit, Phase.generate], database=None,
                         suppress_health_check=list(HealthCheck))


def fuzz(api_schema, fuzzed, identity):
    """Every operation, `EXAMPLES` cases each; `(operations, statuses, failures)`,
    with `statuses` the count of responses per status code.

    One hypothesis run per operation (the operation's own strategy) rather than
    schemathesis' pytest plugin, whose lazy loader does not run under pytest 9.
    """
    operations, statuses, failures = 0, Counter(), []
    auth = AuthStorage(providers=[MemberCookie(fuzzed)]) if identity == "member" else None
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        calls = []
        strategies = [operation.as_strategy(mode, auth_storage=auth)
                      for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if fuzzed.path_ids(operation):
            strategies.append(operation.as_strategy(
                GenerationMode.POSITIVE, auth_storage=auth,
                path_parameters=fuzzed.path_ids(operation)))
        strategy = st.one_of(*strategies)

        @given(case=strategy)
        @FUZZ_SETTINGS
        def check(case):
            response = case.call_and_validate(session=fuzzed.http,
                                              excluded_checks=EXCLUDED_CHECKS, timeout=30)
            calls.append(response.status_code)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together below
            failures.append(f"{operation.label} ({identity}): {exc}")
        statuses.update(calls)
    return operations, statuses, failures


@pytest.mark.timeout(900)  # bounded by examples, not by the clock; slow on a loaded machine
@pytest.mark.parametrize("identity", ["member", "anonymous"])
def test_every_operation_holds_to_its_description(api_schema, fuzzed, identity):
    operations, statuses, failures = fuzz(api_schema, fuzzed, identity)
    print(f"\nschemathesis ({identity}): {operations} operations, "
          f"{statuses.total()} examples, statuses {dict(sorted(statuses.items()))}")
    assert operations > 200
    assert failures == [], "\n\n".join(failures)
