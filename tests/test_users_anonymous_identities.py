"""Per-topic anonymous identities of the caller (rest-accounts §3.2), served
from the topics service."""


from models import get_db
from tests.content_helpers import make_topic


def seed(user_client, other_client):
    """A topic both users joined, each with an alias set through the topics API."""
    topic = make_topic(user_client, title="Secrets")
    other_client.post(f"/api/topics/{topic['id']}/join")
    for client, name in [(user_client, "Shadow"), (other_client, "Ghost")]:
        response = client.put(f"/api/topics/{topic['id']}/anonymous-identity",
                              json={"custom_anonymous_name": name})
        assert response.status_code == 200, response.get_json()
    return topic["id"]


def test_anonymous_calls_are_401(client):
    assert client.get("/api/users/anonymous-identities").status_code == 401
    assert client.delete(f"/api/users/anonymous-identities/{'a' * 24}").status_code == 401


def test_list_and_delete_own_identity(auth, app):
    user, client = auth.signed_in()
    other, other_client = auth.signed_in()
    topic_id = seed(client, other_client)
    body = client.get("/api/users/anonymous-identities").get_json()
    assert body["success"] is True
    assert [(i["topic_id"], i["anonymous_name"]) for i in body["data"]] == [(topic_id, "Shadow")]
    response = client.delete(f"/api/users/anonymous-identities/{topic_id}")
    assert response.status_code == 200
    assert client.get("/api/users/anonymous-identities").get_json()["data"] == []
    with app.app_context():
        assert get_db()["anonymous_identities"].count_documents({"user_id": other["_id"]}) == 1
