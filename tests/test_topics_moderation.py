"""Moderators, bans, ownership transfer, invitations, invite-only invisibility,
anonymous identities."""
from models.anonymous_identity import AnonymousIdentity
from tests.content_helpers import errors, make_comment, make_post, make_topic


def _join(client, topic):
    assert client.post(f"/api/topics/{topic['id']}/join").status_code == 200


def test_moderators_add_list_remove(auth, client):
    _owner, owner_client = auth.signed_in()
    mod, mod_client = auth.signed_in()
    topic = make_topic(owner_client)
    url = f"/api/topics/{topic['id']}/moderators"
    assert mod_client.post(url, json={"user_id": str(mod["_id"])}).status_code == 403
    assert client.post(url, json={"user_id": str(mod["_id"])}).status_code == 401
    assert owner_client.post(url, json={"user_id": "0" * 24}).status_code == 403
    assert owner_client.post(url, json={"user_id": {"$ne": None}}).status_code == 400
    assert owner_client.post(url, json={"user_id": str(mod["_id"]),
                                        "permissions": ["ban_users", "bogus"]}).status_code == 200
    listed = client.get(url).get_json()["data"]
    assert [(m["id"], m["username"], m["permissions"]) for m in listed] == [
        (str(mod["_id"]), mod["username"], ["ban_users"])]
    got = mod_client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["user_permission_level"] == 2 and got["member_count"] == 2
    # A moderator cannot do owner actions.
    assert mod_client.delete(f"{url}/{mod['_id']}").status_code == 403
    assert mod_client.put(f"/api/topics/{topic['id']}", json={"title": "Mod title"}).status_code == 403
    assert owner_client.delete(f"{url}/{mod['_id']}").status_code == 200
    assert client.get(url).get_json()["data"] == []


def test_ban_removes_member_and_blocks_join_post_vote(auth):
    _owner, owner_client = auth.signed_in()
    bad, bad_client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"])
    _join(bad_client, topic)
    ban_url = f"/api/topics/{topic['id']}/ban"
    # A plain member may not ban.
    assert bad_client.post(ban_url, json={"user_id": str(_owner["_id"])}).status_code == 403
    assert owner_client.post(ban_url, json={"user_id": str(bad["_id"])}).status_code == 200
    got = owner_client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["member_count"] == 1
    assert bad_client.post(f"/api/topics/{topic['id']}/join").status_code == 403
    response = bad_client.post(f"/api/posts/topics/{topic['id']}/posts", json={"title": "x", "content": "y"})
    assert response.status_code == 403 and errors(response) == ["You are banned from this topic"]
    assert bad_client.post(f"/api/comments/posts/{post['id']}/comments", json={"content": "hi"}).status_code == 403
    assert bad_client.post(f"/api/posts/{post['id']}/upvote").status_code == 403
    assert owner_client.post(f"/api/topics/{topic['id']}/unban", json={"user_id": str(bad["_id"])}).status_code == 200
    _join(bad_client, topic)


def test_moderator_cannot_ban_owner_or_other_moderator(auth):
    owner, owner_client = auth.signed_in()
    mod1, mod1_client = auth.signed_in()
    mod2, _ = auth.signed_in()
    topic = make_topic(owner_client)
    for mod in (mod1, mod2):
        owner_client.post(f"/api/topics/{topic['id']}/moderators", json={"user_id": str(mod["_id"])})
    ban_url = f"/api/topics/{topic['id']}/ban"
    assert mod1_client.post(ban_url, json={"user_id": str(owner["_id"])}).status_code == 403
    assert mod1_client.post(ban_url, json={"user_id": str(mod2["_id"])}).status_code == 403
    assert mod1_client.post(ban_url, json={"user_id": "0" * 24}).status_code == 403


def test_transfer_ownership(auth):
    owner, owner_client = auth.signed_in()
    heir, heir_client = auth.signed_in()
    topic = make_topic(owner_client)
    url = f"/api/topics/{topic['id']}/transfer-ownership"
    assert heir_client.post(url, json={"user_id": str(heir["_id"])}).status_code == 403
    assert owner_client.post(url, json={"user_id": str(heir["_id"])}).status_code == 200
    got = heir_client.get(f"/api/topics/{topic['id']}").get_json()["data"]
    assert got["user_permission_level"] == 3 and got["owner_id"] == str(heir["_id"])
    assert got["member_count"] == 2
    assert owner_client.get(f"/api/topics/{topic['id']}").get_json()["data"]["user_permission_level"] == 1


def test_invite_only_topic_is_invisible_to_strangers_everywhere(auth, client, socket_client):
    _owner, owner_client = auth.signed_in()
    _stranger, stranger_client = auth.signed_in()
    topic = make_topic(owner_client, title="Secret club", require_approval=True)
    post = make_post(owner_client, topic["id"], title="Secret post")
    comment = make_comment(owner_client, post["id"])
    for c in (client, stranger_client):
        assert c.get("/api/topics").get_json()["data"] == []
        assert c.get("/api/topics?search=Secret").get_json()["data"] == []
        assert c.get(f"/api/topics/{topic['id']}").status_code == 404
        assert c.get(f"/api/posts/topics/{topic['id']}/posts").status_code == 404
        assert c.get("/api/posts/recent").get_json()["data"] == []
        assert c.get(f"/api/posts/{post['id']}").status_code == 404
        assert c.get(f"/api/comments/posts/{post['id']}/comments").status_code == 404
        assert c.get(f"/api/comments/{comment['id']}").status_code == 404
        assert c.get(f"/api/topics/{topic['id']}/moderators").status_code == 404
    assert stranger_client.post(f"/api/topics/{topic['id']}/join").status_code == 404
    assert stranger_client.post(f"/api/posts/topics/{topic['id']}/posts",
                                json={"title": "x", "content": "y"}).status_code == 404
    assert stranger_client.post(f"/api/posts/{post['id']}/upvote").status_code == 404
    assert stranger_client.post(f"/api/comments/{comment['id']}/reply", json={"content": "x"}).status_code == 404
    # A socket asking for the room gets an error and none of the room's events.
    sio = socket_client(stranger_client)
    sio.get_received()
    sio.emit("join_topic", {"topic_id": topic["id"]})
    sio.emit("join_post", {"post_id": post["id"]})
    assert [e["name"] for e in sio.get_received()] == ["error", "error"]
    make_post(owner_client, topic["id"], title="Another secret")
    make_comment(owner_client, post["id"])
    assert sio.get_received() == []


def test_invitation_flow(auth, emitted):
    owner, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    outsider, outsider_client = auth.signed_in()
    topic = make_topic(owner_client, title="Invite club", require_approval=True)
    public = make_topic(owner_client, title="Open club")
    url = f"/api/topics/{topic['id']}/invite"
    assert outsider_client.post(url, json={"user_id": str(guest["_id"])}).status_code == 404
    response = owner_client.post(f"/api/topics/{public['id']}/invite", json={"user_id": str(guest["_id"])})
    assert errors(response) == ["This topic is public and does not require invitations"]
    assert errors(owner_client.post(url, json={"user_id": str(owner["_id"])})) == ["Cannot invite the owner of the topic."]
    assert owner_client.post(url, json={"user_id": str(guest["_id"])}).status_code == 200
    assert errors(owner_client.post(url, json={"user_id": str(guest["_id"])})) == [
        "User has already been invited to this topic."]
    pushed = [e for e in emitted if e["event"] == "topic_invitation"]
    assert pushed[0]["room"] == f"user_{guest['_id']}" and pushed[0]["data"]["topic_title"] == "Invite club"
    invitations = guest_client.get("/api/topics/invitations").get_json()["data"]
    assert len(invitations) == 1
    invitation = invitations[0]
    assert invitation["topic"]["title"] == "Invite club"
    assert invitation["inviter"]["username"] == owner["username"]
    # The invitee can see the topic; someone else cannot accept for them.
    assert guest_client.get(f"/api/topics/{topic['id']}").status_code == 200
    assert outsider_client.post(f"/api/topics/invitations/{invitation['id']}/accept").status_code == 403
    assert guest_client.post(f"/api/topics/invitations/{invitation['id']}/accept").status_code == 200
    assert guest_client.post(f"/api/topics/invitations/{invitation['id']}/accept").status_code == 400
    assert guest_client.get(f"/api/topics/{topic['id']}").get_json()["data"]["user_permission_level"] == 1
    assert {t["id"] for t in guest_client.get("/api/topics").get_json()["data"]} == {public["id"], topic["id"]}
    owner_client.post(url, json={"user_id": str(outsider["_id"])})
    second = outsider_client.get("/api/topics/invitations").get_json()["data"][0]
    assert outsider_client.post(f"/api/topics/invitations/{second['id']}/decline").status_code == 200
    assert outsider_client.get("/api/topics/invitations").get_json()["data"] == []
    assert outsider_client.get(f"/api/topics/{topic['id']}").status_code == 404


def test_anonymous_identity_get_set_list_delete(app, auth, emitted):
    user, client = auth.signed_in()
    _other, other_client = auth.signed_in()
    topic = make_topic(client)
    url = f"/api/topics/{topic['id']}/anonymous-identity"
    assert client.get(url).get_json()["data"] == {"anonymous_name": None, "topic_id": topic["id"]}
    assert client.put(url, json={"custom_anonymous_name": "!!"}).status_code == 400
    assert client.put(url, json={"custom_anonymous_name": "admin"}).status_code == 400
    response = client.put(url, json={"custom_anonymous_name": "night owl", "new_name": "night owl"})
    assert response.get_json()["data"]["anonymous_name"] == "Night Owl"
    # Names are unique inside a topic.
    other_name = other_client.post(url, json={"new_name": "Night Owl"}).get_json()["data"]["anonymous_name"]
    assert other_name == "Night Owl1"
    assert emitted[-1]["event"] == "anonymous_identity_updated"
    from services import topics
    with app.app_context():
        listed = topics.list_anonymous_identities(user)
        assert [(i["topic_id"], i["topic_title"], i["anonymous_name"]) for i in listed] == [
            (topic["id"], topic["title"], "Night Owl")]
        topics.delete_anonymous_identity(user, topic["id"])
        assert AnonymousIdentity.count({}) == 1
    assert client.get(url).get_json()["data"]["anonymous_name"] is None
    assert emitted[-1]["event"] == "anonymous_identity_deleted"


def test_anonymous_identity_requires_login(auth, client):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    assert client.get(f"/api/topics/{topic['id']}/anonymous-identity").status_code == 401
    assert client.put(f"/api/topics/{topic['id']}/anonymous-identity", json={"new_name": "Abc"}).status_code == 401
