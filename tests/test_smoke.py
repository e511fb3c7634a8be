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


def test_create_indexes_command(app):
    result = app.test_cli_runner().invoke(args=["create-indexes"])
    assert result.exit_code == 0 and "indexes ensured" in result.output
    with app.app_context():
        from models.user import User

        names = {index["name"] for index in User.collection().list_indexes()}
    assert {"username_unique", "email_unique"} <= names


def test_malformed_id_is_not_found(app_ctx):
    import pytest

    from models.user import User
    from utils.errors import NotFound

    assert User.get("not-an-id") is None and User.get({"$ne": None}) is None
    with pytest.raises(NotFound):
        User.get_or_404("zz" * 12)
