def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"mongo": "ok", "redis": "ok"}


def test_login_and_me(auth):
    user, client = auth.signed_in()
    body = client.get("/api/auth/me").get_json()
    assert body["success"] is True
    assert body["user"]["username"] == user["username"]
    assert isinstance(body["user"]["preferences"], dict)
