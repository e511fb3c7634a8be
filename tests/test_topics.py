"""Topics: create, list/search, get, update, delete, join, leave, my topics."""
import pytest

from tests.content_helpers import errors, make_topic

BAD_ID = "0123456789abcdef01234567"


def test_create_topic_returns_201_and_owner_is_member(auth):
    user, client = auth.signed_in()
    response = client.post("/api/topics", json={"title": "Python things", "tags": [" Py ", "py", "web_dev"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["message"] == "Topic created successfully"
    topic = body["data"]
    assert topic["id"] == topic["_id"] and topic["title"] == "Python things"
    assert topic["tags"] == ["py", "web_dev"] and topic["member_count"] == 1
    assert topic["owner"] == {"id": str(user["_id"]), "username": user["username"]}
    assert "members" not in topic and topic["created_at"].endswith("Z")
    got = client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["user_permission_level"] == 3


def test_anonymous_create_is_401(client):
    assert client.post("/api/topics", json={"title": "Hello there"}).status_code == 401


@pytest.mark.parametrize("title,message", [
    ("ab", "Title must be at least 3 characters long"),
    ("x" * 101, "Title must be less than 100 characters long"),
    ("bad <title>", "Title contains invalid characters"),
    ("", "Title is required"),
])
def test_title_bounds_are_400(auth, title, message):
    _user, client = auth.signed_in()
    response = client.post("/api/topics", json={"title": title})
    assert response.status_code == 400 and errors(response) == [message]


def test_duplicate_title_is_409_case_insensitive(auth):
    _user, client = auth.signed_in()
    make_topic(client, title="Gardening")
    response = client.post("/api/topics", json={"title": "GARDENING"})
    assert response.status_code == 409
    assert errors(response) == ['Topic with title "GARDENING" already exists']


def test_operator_in_field_is_400(auth):
    _user, client = auth.signed_in()
    assert client.post("/api/topics", json={"title": {"$ne": None}}).status_code == 400
    assert client.post("/api/topics", json={"title": "Okay title", "tags": [{"$gt": ""}]}).status_code == 400


def test_description_script_is_stripped(auth):
    _user, client = auth.signed_in()
    topic = make_topic(client, description="hi <script>alert(1)</script><b>there</b>")
    assert topic["description"] == "hi there"


def test_list_sorts_filters_and_paginates(auth, client):
    _user, owner = auth.signed_in()
    a = make_topic(owner, title="Alpha cats", tags=["cats"])
    b = make_topic(owner, title="Beta dogs", tags=["dogs"], description="dog [stuff]")
    body = client.get("/api/topics?limit=1&offset=0").get_json()
    assert [t["id"] for t in body["data"]] == [b["id"]]
    assert body["pagination"]["total_count"] == 2 and body["pagination"]["has_more"] is True
    assert body["data"][0]["user_permission_level"] == 0
    tagged = client.get("/api/topics?tags=cats").get_json()["data"]
    assert [t["id"] for t in tagged] == [a["id"]]
    # The search is a literal substring: regex characters are escaped.
    found = client.get("/api/topics", query_string={"search": "[stuff]"}).get_json()["data"]
    assert [t["id"] for t in found] == [b["id"]]
    assert client.get("/api/topics", query_string={"search": ".*"}).get_json()["data"] == []
    by_created = client.get("/api/topics?sort_by=created_at").get_json()["data"]
    assert [t["id"] for t in by_created] == [b["id"], a["id"]]
    # Trailing slashes are not significant (rest-content §1.1).
    assert len(client.get("/api/topics/").get_json()["data"]) == 2


@pytest.mark.parametrize("query", ["limit=101", "offset=10001", "limit=abc", "offset=1.5"])
def test_bad_paging_is_400(client, query):
    assert client.get(f"/api/topics?{query}").status_code == 400


@pytest.mark.parametrize("topic_id", ["nope", BAD_ID, "undefined"])
def test_unknown_or_malformed_topic_is_404(client, topic_id):
    response = client.get(f"/api/topics/{topic_id}")
    assert response.status_code == 404 and errors(response) == ["Topic not found"]


def test_join_leave_and_levels(auth):
    _owner, owner_client = auth.signed_in()
    _member, client = auth.signed_in()
    topic = make_topic(owner_client)
    assert client.post(f"/api/topics/{topic['id']}/join").status_code == 200
    # Joining twice does not inflate the counter.
    assert client.post(f"/api/topics/{topic['id']}/join").status_code == 200
    got = client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["member_count"] == 2 and got["user_permission_level"] == 1
    mine = client.get("/api/topics/my").get_json()["data"]
    assert [t["id"] for t in mine] == [topic["id"]]
    assert client.post(f"/api/topics/{topic['id']}/leave").status_code == 200
    assert client.post(f"/api/topics/{topic['id']}/leave").status_code == 400
    got = client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["member_count"] == 1 and got["user_permission_level"] == 0
    assert owner_client.post(f"/api/topics/{topic['id']}/leave").status_code == 400


def test_join_requires_login(auth, client):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    assert client.post(f"/api/topics/{topic['id']}/join").status_code == 401
    assert client.get("/api/topics/my").status_code == 401


def test_update_is_owner_only_and_keeps_other_settings(auth, emitted):
    _owner, owner_client = auth.signed_in()
    _other, other_client = auth.signed_in()
    topic = make_topic(owner_client, allow_anonymous=False)
    other_client.post(f"/api/topics/{topic['id']}/join")
    response = other_client.put(f"/api/topics/{topic['id']}", json={"title": "Hijacked"})
    assert response.status_code == 403
    response = owner_client.put(f"/api/topics/{topic['id']}",
                                json={"title": "Renamed topic", "settings": {"require_approval": False}})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["title"] == "Renamed topic"
    assert data["settings"] == {"allow_anonymous": False, "require_approval": False}
    assert owner_client.put(f"/api/topics/{topic['id']}", json={}).status_code == 400
    updated = [e for e in emitted if e["event"] == "topic_updated"]
    assert len(updated) == 1 and updated[0]["room"] is None
    assert updated[0]["data"]["topic"]["title"] == "Renamed topic"


def test_create_broadcasts_json_safe_topic_created(auth, emitted):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    created = [e for e in emitted if e["event"] == "topic_created"]
    assert len(created) == 1 and created[0]["room"] is None
    assert created[0]["data"]["topic_id"] == topic["id"]
    assert isinstance(created[0]["data"]["topic"]["created_at"], str)


def test_delete_is_owner_only_and_frees_title(auth, client):
    _owner, owner_client = auth.signed_in()
    _other, other_client = auth.signed_in()
    topic = make_topic(owner_client, title="Short lived")
    assert other_client.delete(f"/api/topics/{topic['id']}").status_code == 403
    assert client.delete(f"/api/topics/{topic['id']}").status_code == 401
    response = owner_client.delete(f"/api/topics/{topic['id']}")
    assert response.status_code == 200 and "7 days" in response.get_json()["message"]
    assert client.get("/api/topics").get_json()["data"] == []
    got = client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["is_deleted"] is True and got["deletion_status"] == "pending"
    make_topic(owner_client, title="Short lived")


def test_write_is_visible_on_next_read_through_the_cache(auth, client):
    _owner, owner_client = auth.signed_in()
    _member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    assert client.get("/api/topics").get_json()["data"][0]["member_count"] == 1
    assert client.get(f"/api/topics/{topic['id']}").get_json()["data"]["member_count"] == 1
    member_client.post(f"/api/topics/{topic['id']}/join")
    assert client.get("/api/topics").get_json()["data"][0]["member_count"] == 2
    assert client.get(f"/api/topics/{topic['id']}").get_json()["data"]["member_count"] == 2


def test_cached_topic_never_serves_another_users_level(auth, client):
    _owner, owner_client = auth.signed_in()
    _member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    member_client.post(f"/api/topics/{topic['id']}/join")
    url = f"/api/topics/{topic['id']}"
    assert owner_client.get(url).get_json()["data"]["user_permission_level"] == 3
    assert member_client.get(url).get_json()["data"]["user_permission_level"] == 1
    assert client.get(url).get_json()["data"]["user_permission_level"] == 0
    levels = {t["id"]: t["user_permission_level"] for t in owner_client.get("/api/topics").get_json()["data"]}
    assert levels[topic["id"]] == 3
    assert member_client.get("/api/topics").get_json()["data"][0]["user_permission_level"] == 1


def test_mute_and_unmute(auth, client):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    url = f"/api/topics/{topic['id']}"
    assert client.post(f"{url}/mute", json={"minutes": -1}).status_code == 401
    assert owner_client.post(f"{url}/mute", json={"minutes": -2}).status_code == 400
    assert owner_client.post(f"{url}/mute", json={"minutes": 30}).status_code == 200
    assert owner_client.get("/api/topics").get_json()["data"][0]["is_muted"] is True
    assert owner_client.post(f"{url}/unmute").status_code == 200
    assert owner_client.get("/api/topics").get_json()["data"][0]["is_muted"] is False
    assert owner_client.post("/api/topics/0123456789abcdef01234567/mute", json={"minutes": 5}).status_code == 404
