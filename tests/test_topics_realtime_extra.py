"""Two small socket events of realtime.md §3.1-3.2: debug_whoami and update_anonymous_name."""
from tests.content_helpers import make_topic


def test_debug_whoami_tells_only_the_callers_own_facts(auth, socket_client):
    user, client = auth.signed_in()
    sio = socket_client(client)
    sio.get_received()
    sio.emit("debug_whoami")
    reply = [e for e in sio.get_received() if e["name"] == "debug_whoami_response"][0]["args"][0]
    assert reply["user_id"] == str(user["_id"]) and reply["user"] == user["username"]
    assert reply["expected_private_room"] == f"user_{user['_id']}"
    assert "email" not in str(reply)


def test_update_anonymous_name_over_the_socket(app, auth, socket_client, emitted):
    owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    member_client.post(f"/api/topics/{topic['id']}/join")
    watcher = socket_client(owner_client)
    watcher.emit("join_topic", {"topic_id": topic["id"]})
    sio = socket_client(member_client)
    sio.get_received()
    sio.emit("update_anonymous_name", {"topic_id": topic["id"], "new_name": "Night Owl"})
    reply = [e for e in sio.get_received() if e["name"] == "anonymous_name_updated"]
    assert reply and reply[0]["args"][0]["topic_id"] == topic["id"]
    assert reply[0]["args"][0]["anonymous_name"]
    stored = member_client.get(f"/api/topics/{topic['id']}/anonymous-identity").get_json()["data"]
    assert stored["anonymous_name"] == reply[0]["args"][0]["anonymous_name"]
    # Nobody else learns which real user took the alias.
    assert not [e for e in watcher.get_received() if str(member["_id"]) in str(e["args"])]


def test_update_anonymous_name_refused_for_a_hidden_topic(auth, socket_client):
    owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    stranger, stranger_client = auth.signed_in()
    sio = socket_client(stranger_client)
    sio.get_received()
    sio.emit("update_anonymous_name", {"topic_id": topic["id"], "new_name": "Sneaky"})
    errors = [e["args"][0]["message"] for e in sio.get_received() if e["name"] == "error"]
    assert errors == ["Topic not found"]

