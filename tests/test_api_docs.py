"""The API description: every /api route described, responses of the main
objects conforming to their models, the docs page, the AsyncAPI document."""
import jsonschema_rs
import pytest
from openapi_spec_validator import validate

from apidocs import objects, registry, request_rules
from apidocs.openapi import api_rules, openapi_path, operations_of
from tests import factories
from tests.chat_helpers import create_room, send
from tests.content_helpers import make_comment, make_post, make_topic, reply


def test_every_api_route_has_an_operation(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    missing = [f"{method} {rule.rule}" for rule in api_rules(app) for method in operations_of(rule)
               if method.lower() not in spec["paths"].get(openapi_path(rule), {})]
    assert missing == []
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids)) > 200


def test_operations_say_what_the_routes_validate_and_who_may_call(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    create_post = paths["/api/posts/topics/{topic_id}/posts"]["post"]
    assert create_post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreatePost"}
    assert create_post["security"] == [{"sessionCookie": []}]
    assert set(create_post["responses"]) == {"200", "201", "4XX"}
    tree = paths["/api/comments/posts/{post_id}/comments"]["get"]
    limit = next(p for p in tree["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}
    assert tree["security"] == [{}, {"sessionCookie": []}]
    # admin-only through the blueprint's before_request guard, not a decorator
    assert "Administrators only." in paths["/api/admin/stats"]["get"]["description"]


def test_the_registry_names_real_endpoints(app):
    assert set(registry.RESPONSES) - set(app.view_functions) == set()


def test_the_request_rules_name_real_endpoints_and_models(app, client):
    named = set(request_rules.REFUSALS) | set(request_rules.QUERY_RULES)
    assert named - set(app.view_functions) == set()
    components = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert {model.__name__ for model in request_rules.BODY_RULES} - set(components) == set()


def test_a_refusal_that_depends_on_state_is_documented_as_400(client):
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/topics/{topic_id}/unban"]
    assert operation["post"]["responses"]["400"]["description"] == (
        "The user is not banned from the topic.")


def test_the_document_is_valid_openapi_3_1(client):
    validate(client.get("/api/openapi.json").get_json())  # raises on any violation


def test_every_component_is_a_valid_json_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    for name, schema in spec["components"]["schemas"].items():
        # compiling the whole document resolves every $ref of the component
        jsonschema_rs.validator_for({**schema, "components": spec["components"]})
    assert {model.__name__ for model in objects.MAIN_OBJECTS} <= set(spec["components"]["schemas"])


class Conformance:
    """Checks a live response against the response model the registry names."""

    def __init__(self, app):
        self.adapter = app.url_map.bind("localhost")
        self.checked = set()

    def __call__(self, response, path, method="GET"):
        assert response.status_code < 300, response.get_json()
        endpoint, _ = self.adapter.match(path.split("?")[0], method=method)
        returns = registry.RESPONSES[endpoint]
        body = response.get_json()
        if returns.model is not None:
            items = body["data"] if returns.many else [body["data"]]
            assert items, f"{endpoint}: nothing to check"
            for item in items:
                returns.model.model_validate(item)
        if returns.paginated:
            objects.Pagination.model_validate(body["pagination"])
        for key, model in returns.extra.items():
            model.model_validate(body[key])
        self.checked.add(endpoint)
        return body


def test_main_objects_conform_to_their_response_models(app, auth):
    check = Conformance(app)
    admin, admin_client = auth.signed_in(is_admin=True)
    user, member = auth.signed_in()
    other, other_client = auth.signed_in()
    with app.app_context():
        factories.make_friends(user, other)
    check(member.get("/api/auth/me"), "/api/auth/me")
    topic = make_topic(member)
    for path in (f"/api/topics/{topic['id']}", "/api/topics", "/api/topics/my"):
        check(member.get(path), path)
    other_client.post(f"/api/topics/{topic['id']}/join")
    post = make_post(member, topic["id"])
    for path in (f"/api/posts/{post['id']}", f"/api/posts/topics/{topic['id']}/posts",
                 "/api/posts/recent"):
        check(member.get(path), path)
    comment = make_comment(other_client, post["id"])
    reply(member, comment["id"])
    for path in (f"/api/comments/{comment['id']}", f"/api/comments/posts/{post['id']}/comments"):
        check(member.get(path), path)
    room = create_room(member, topic["id"])
    check(send(member, room["id"]), f"/api/chat-rooms/{room['id']}/messages", "POST")
    for path in (f"/api/chat-rooms/{room['id']}", f"/api/chat-rooms/{room['id']}/messages",
                 f"/api/chat-rooms/topics/{topic['id']}/conversations"):
        check(member.get(path), path)
    sent = member.post("/api/messages/private", json={"to_user_id": str(other["_id"]),
                                                       "content": "hi"})
    check(sent, "/api/messages/private", "POST")
    for path in ("/api/users/private-messages/conversations",
                 f"/api/users/private-messages/{user['_id']}",
                 "/api/messages/private/conversations"):
        check(other_client.get(path), path)
    check(member.get("/api/notifications"), "/api/notifications/")
    other_client.post(f"/api/posts/{post['id']}/report", json={"reason": "spam"})
    check(admin_client.get("/api/admin/reports"), "/api/admin/reports")
    ticket = check(member.post("/api/tickets", json={
        "subject": "Cannot upload", "description": "The upload button does nothing at all.",
        "category": "technical"}), "/api/tickets", "POST")["data"]
    for path in (f"/api/tickets/{ticket['id']}", "/api/tickets/my"):
        check(member.get(path), path)
    check(member.get("/api/voip/ice-servers"), "/api/voip/ice-servers")
    unchecked = set(registry.RESPONSES) - check.checked - {
        # same views as checked ones: the sign-in variants answer like /me, the
        # topic create/update like get_topic, the group list like a topic's rooms
        "auth.login_with_password", "auth.login_passwordless", "auth.login_passwordless_backup",
        "auth.verify_login_email_2fa", "topics.create_topic", "topics.update_topic",
        "posts.create_post", "comments.create_comment", "comments.reply",
        "chat_rooms.create_topic_room", "chat_rooms.create_group", "chat_rooms.my_groups"}
    assert unchecked == set()


def test_a_response_breaking_its_model_is_caught():
    with pytest.raises(ValueError):
        objects.Post.model_validate({"id": "a" * 24, "topic_id": "b" * 24, "title": 3,
                                     "content": "x"})


def test_the_docs_page_serves_swagger_ui_from_our_own_files(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "text/html" in page.content_type
    html = page.get_data(as_text=True)
    assert "/api/docs/static/swagger-ui/swagger-ui-bundle.js" in html and "//cdn" not in html
    bundle = client.get("/api/docs/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.get_data()) > 1_000_000
    bundle.close()


def test_the_admin_dashboard_links_the_docs(auth):
    _, admin = auth.signed_in(is_admin=True)
    assert 'href="/api/docs"' in admin.get("/admin").get_data(as_text=True)


def test_asyncapi_describes_socket_events_with_the_handlers_models(client):
    doc = client.get("/api/asyncapi.json").get_json()
    assert doc["asyncapi"] == "3.0.0"
    messages = doc["components"]["messages"]
    assert messages["receive_voip_create_call"]["payload"] == {
        "$ref": "#/components/schemas/CreateCall"}
    assert "room_id" in doc["components"]["schemas"]["CreateCall"]["properties"]
    created = messages["send_voip_call_created"]["payload"]["properties"]
    assert created["call"] == {"$ref": "#/components/schemas/Call"}
    for operation in doc["operations"].values():
        ref = operation["messages"][0]["$ref"].rsplit("/", 1)[-1]
        assert ref in messages and operation["action"] in ("send", "receive")
    received = [op for op in doc["operations"].values() if op["action"] == "receive"]
    assert len(received) > 30 and len(doc["operations"]) - len(received) > 30
