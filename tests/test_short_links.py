"""Share links (rest-content §10): signed-in only, only this deployment's URLs,
same code for the same URL, click counting, and no open redirect."""
import re

import pytest

from models.short_link import ShortLink

ROOM_URL = "http://localhost:3000/chat-room/65a000000000000000000001"


def shorten(client, url):
    return client.post("/api/short-links/generate", json={"url": url})


def test_share_link_round_trip_counts_clicks(app, auth, client):
    _, alice = auth.signed_in()
    response = shorten(alice, ROOM_URL)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert re.fullmatch(r"[A-Za-z0-9]{6,8}", data["short_code"])
    assert data["short_url"] == f"http://localhost/s/{data['short_code']}"
    for _ in range(2):  # anyone who got the link opens it, signed in or not
        opened = client.get(f"/s/{data['short_code']}")
        assert opened.status_code == 302
        assert opened.headers["Location"] == ROOM_URL
    with app.app_context():
        link = ShortLink.find_one({"code": data["short_code"]})
    assert link["clicks"] == 2 and link["last_accessed"] is not None


def test_same_url_same_code_for_everyone(auth):
    _, alice = auth.signed_in()
    _, bob = auth.signed_in()
    first = shorten(alice, ROOM_URL).get_json()["data"]["short_code"]
    assert shorten(alice, ROOM_URL).get_json()["data"]["short_code"] == first
    assert shorten(bob, ROOM_URL).get_json()["data"]["short_code"] == first
    other = shorten(bob, ROOM_URL + "?x=1").get_json()["data"]["short_code"]
    assert other != first


def test_api_origin_is_accepted(auth, client):
    _, alice = auth.signed_in()
    code = shorten(alice, "http://localhost/api/posts/1").get_json()["data"]["short_code"]
    assert client.get(f"/s/{code}").headers["Location"] == "http://localhost/api/posts/1"


def test_anonymous_creation_is_refused(client):
    response = shorten(client, ROOM_URL)
    assert response.status_code == 401
    assert response.get_json()["errors"] == ["Authentication required"]


OFF_SITE = [
    "//evil.example", "https://evil.example", "https://evil.example/chat-room/1",
    "javascript:alert(document.cookie)", "JAVASCRIPT:alert(1)", "data:text/html,<script>",
    "https://localhost:3000@evil.example/", "http://localhost:3000.evil.example/",
    "http://localhost:3000\\@evil.example/", "/\\evil.example", "http://localhost:3000/ x",
    "http://localhost:3001/chat-room/1", "ftp://localhost:3000/", "http:///evil.example",
]


def test_off_site_urls_are_refused(app, auth):
    _, alice = auth.signed_in()
    for url in OFF_SITE:
        response = shorten(alice, url)
        assert response.status_code == 400, url
        assert response.get_json()["errors"] == ["URL must point to this site"]
    with app.app_context():
        assert ShortLink.count() == 0


def test_bad_bodies_are_400(auth):
    _, alice = auth.signed_in()
    for body, message in (({}, "URL is required"), ({"url": "  "}, "URL is required"),
                          ({"url": {"$gt": ""}}, "url has the wrong type")):
        response = alice.post("/api/short-links/generate", json=body)
        assert (response.status_code, response.get_json()["errors"]) == (400, [message])


def test_unknown_and_malformed_codes_are_404_plain_text(client):
    for code in ("zzzzzzz", "a", "abc.def", "abc$def", "%2e%2e"):
        response = client.get(f"/s/{code}")
        assert response.status_code == 404
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == "Link not found"


def test_a_stored_off_site_link_never_redirects(app, auth, client):
    """A request with a forged Host header makes that host "the API origin" and
    gets its link stored; the redirect re-checks against the real origin."""
    _, alice = auth.signed_in()
    alice.set_cookie("session", alice.get_cookie("session").value, domain="evil.example")
    forged = alice.post("/api/short-links/generate", json={"url": "http://evil.example/x"},
                        headers={"Host": "evil.example", "Origin": "http://evil.example"})
    assert forged.status_code == 200
    code = forged.get_json()["data"]["short_code"]
    with app.app_context():
        ShortLink.insert(code="Evil123", url="https://evil.example/", url_digest="d1")
    for code in (code, "Evil123"):
        assert client.get(f"/s/{code}").status_code == 404


class TestLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"SHORT_LINK_LIMIT": 2, "SHORT_LINK_WINDOW": 3600}

    def test_creation_is_rate_limited_per_user(self, auth):
        _, alice = auth.signed_in()
        _, bob = auth.signed_in()
        assert shorten(alice, ROOM_URL + "1").status_code == 200
        assert shorten(alice, ROOM_URL + "2").status_code == 200
        assert shorten(alice, ROOM_URL + "3").status_code == 429
        assert shorten(bob, ROOM_URL + "3").status_code == 200
