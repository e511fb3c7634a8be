"""CSRF guard (issue 16): a state-changing request carrying the session cookie
must come from our origin (Origin, else Referer), or be an API client's JSON."""
import pytest


def foreign(client):
    """The same signed-in browser, but the request comes from another site's page."""
    client.environ_base["HTTP_ORIGIN"] = "https://evil.example"
    return client


def headerless(client):
    client.environ_base.pop("HTTP_ORIGIN", None)
    return client


def still_signed_in(client):
    return client.get("/api/auth/me").get_json()["success"] is True


def test_bodyless_form_posts_from_a_foreign_origin_are_refused(auth):
    user, client = auth.signed_in()
    other = auth.user()
    foreign(client)
    for path in (f"/api/users/{other['_id']}/block", "/api/auth/logout"):
        response = client.post(path, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 403, path
        assert response.get_json() == {"success": False, "errors": ["Cross-site request refused"],
                                       "error": "Cross-site request refused"}
    assert still_signed_in(client)
    assert headerless(client).get("/api/users/blocked").get_json()["data"] == []


def test_a_sibling_subdomain_and_a_null_origin_are_foreign(auth):
    _, client = auth.signed_in()
    for origin in ("https://evil.localhost", "null", "http://localhost:8080"):
        client.environ_base["HTTP_ORIGIN"] = origin
        assert client.post("/api/auth/logout").status_code == 403, origin
    assert still_signed_in(client)


def test_referer_stands_in_for_a_missing_origin(auth):
    _, client = auth.signed_in()
    headerless(client)
    refused = client.post("/api/auth/logout", headers={"Referer": "https://evil.example/page"})
    assert refused.status_code == 403
    ours = client.post("/api/auth/logout", headers={"Referer": "http://localhost/app/chat"})
    assert ours.status_code == 200 and not still_signed_in(client)


def test_text_plain_post_without_origin_is_refused(auth):
    other = auth.user()
    _, client = auth.signed_in()
    headerless(client)
    response = client.post(f"/api/users/{other['_id']}/block", data='{"reason": "x"}',
                           content_type="text/plain")
    assert response.status_code == 403
    assert client.get("/api/users/blocked").get_json()["data"] == []


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_every_state_changing_method_is_checked(auth, method):
    _, client = auth.signed_in()
    response = getattr(foreign(client), method)("/api/auth/preferences", json={})
    assert response.status_code == 403


def test_the_spa_and_api_clients_pass(app, auth):
    other = auth.user()
    _, spa = auth.signed_in()  # Origin: the app's own origin, as the browser sends it
    assert spa.post(f"/api/users/{other['_id']}/block", json={}).status_code == 200
    _, configured = auth.signed_in()
    configured.environ_base["HTTP_ORIGIN"] = app.config["CORS_ORIGINS"][0]
    assert configured.post(f"/api/users/{other['_id']}/block", json={}).status_code == 200
    _, api_client = auth.signed_in()
    headerless(api_client)  # a script: no Origin, no Referer, a JSON body
    assert api_client.post(f"/api/users/{other['_id']}/block", json={}).status_code == 200
    assert api_client.post("/api/auth/logout", json={}).status_code == 200


def test_requests_without_the_session_cookie_are_not_checked(client):
    foreign(client)
    response = client.post("/api/auth/login", json={"username": "nobody", "password": "x" * 12})
    assert response.status_code != 403
    assert client.get("/api/topics").status_code == 200  # reads are never checked
