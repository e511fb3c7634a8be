"""GET /api/voip/ice-servers: STUN always, TURN credentials in coturn's REST-API form."""
import base64
import hashlib
import hmac
import time

import pytest


def test_anonymous_is_refused(client):
    response = client.get("/api/voip/ice-servers")
    assert response.status_code == 401
    assert response.get_json()["success"] is False


def test_stun_only_without_turn_settings(app, auth):
    _, client = auth.signed_in()
    body = client.get("/api/voip/ice-servers").get_json()
    assert body["success"] is True
    assert body["data"]["ice_servers"] == [{"urls": url} for url in app.config["VOIP_STUN_URLS"]]


@pytest.mark.parametrize("config_overrides", [{
    "TURN_URLS": ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"],
    "TURN_SECRET": "coturn-static-auth-secret", "TURN_TTL_SECONDS": 600,
    "VOIP_STUN_URLS": ["stun:stun.example.org:3478"]}])
def test_turn_credentials_are_coturn_hmac(app, auth, config_overrides):
    user, client = auth.signed_in()
    servers = client.get("/api/voip/ice-servers").get_json()["data"]["ice_servers"]
    assert servers[0] == {"urls": "stun:stun.example.org:3478"}
    turn = servers[1]
    assert turn["urls"] == config_overrides["TURN_URLS"]
    expiry, user_id = turn["username"].split(":")
    assert user_id == str(user["_id"])
    assert 0 < int(expiry) - time.time() <= 600 + 5
    expected = hmac.new(b"coturn-static-auth-secret", turn["username"].encode(), hashlib.sha1)
    assert turn["credential"] == base64.b64encode(expected.digest()).decode()


@pytest.mark.parametrize("config_overrides", [{"TURN_URLS": ["turn:t.example.org"],
                                               "TURN_SECRET": None}])
def test_no_turn_without_a_secret(auth, config_overrides):
    _, client = auth.signed_in()
    servers = client.get("/api/voip/ice-servers").get_json()["data"]["ice_servers"]
    assert all(not str(s["urls"]).startswith("turn") for s in servers)
