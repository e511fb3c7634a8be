"""CORS headers replayed per origin (utils/cors_cache.py) are Flask-CORS's own."""
import pytest

CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary")


def _cors(response):
    return {name: response.headers.get(name) for name in CORS_HEADERS}


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://evil.example", None])
def test_replayed_headers_match_the_first_answer(client, origin):
    headers = {"Origin": origin} if origin else {}
    first = _cors(client.get("/api/auth/me", headers=headers))
    again = _cors(client.get("/api/auth/me", headers=headers))
    other_route = _cors(client.get("/readyz", headers=headers))
    assert again == first
    assert {k: v for k, v in other_route.items() if k != "Vary"} == \
        {k: v for k, v in first.items() if k != "Vary"}


def test_allowed_and_refused_origins_stay_apart(client):
    client.get("/api/auth/me", headers={"Origin": "http://localhost:3000"})
    refused = client.get("/api/auth/me", headers={"Origin": "http://evil.example"})
    allowed = client.get("/api/auth/me", headers={"Origin": "http://localhost:3000"})
    assert refused.headers.get("Access-Control-Allow-Origin") is None
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in allowed.headers["Vary"]


def test_preflight_still_answered_by_flask_cors(client):
    response = client.options("/api/topics", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
