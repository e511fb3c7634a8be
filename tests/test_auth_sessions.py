"""Sessions, sockets that know who they are, presence, input hardening, limits."""
import pyotp
import pytest

from config import ConfigError, ProductionConfig
from services import sessions
from tests import factories


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_session_id_rotates_at_sign_in(auth, client):
    client.post("/api/auth/register-passwordless", json={"username": "planted", "email": "p@example.com"})
    before = session_cookie(client)
    assert before
    user = auth.user()
    auth.login(user, client)
    after = session_cookie(client)
    assert after and after != before


def test_cookie_is_httponly_and_lax_locally(auth, client):
    user = auth.user()
    with client.application.app_context():
        response = factories.login(client, user)
    # (the device cookie of issue 16 is set beside it)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_me_shapes(auth, client):
    assert client.get("/api/auth/me").get_json() == {"success": False, "error": "Not authenticated"}
    from models.user import User

    user = auth.user()
    with client.application.app_context():
        User.update(user["_id"], unset=["preferences"])  # an old account without any
    auth.login(user, client)
    body = client.get("/api/auth/me")
    assert body.status_code == 200
    me = body.get_json()["user"]
    assert set(me) >= {"id", "username", "email", "preferences", "totp_enabled", "is_admin",
                       "profile_picture", "banner", "country_code", "created_at", "last_login",
                       "active_warning"}
    assert me["preferences"] == {} and me["active_warning"] is None
    assert me["created_at"].endswith("Z") and me["last_login"].endswith("Z")
    for secret in ("totp_secret_enc", "backup_code_hashes", "password_hash", "email_codes"):
        assert secret not in me


def test_preferences_merge_instead_of_replace(auth):
    user, client = auth.signed_in(preferences={"language": "en", "anonymous_mode": True})
    response = client.put("/api/auth/preferences", json={"preferences": {"theme": "dark"}})
    assert response.status_code == 200
    prefs = client.get("/api/auth/me").get_json()["user"]["preferences"]
    assert prefs == {"language": "en", "anonymous_mode": True, "theme": "dark"}
    bad = client.put("/api/auth/preferences", json={"preferences": {"theme": "neon"}})
    assert bad.status_code == 400
    nested = client.put("/api/auth/preferences", json={"preferences": {"x": {"$set": 1}}})
    assert nested.status_code == 400
    # Keys MongoDB cannot store as field names are refused, not a 500 (found by the fuzz).
    for key in ("", "a\x00b"):
        refused = client.put("/api/auth/preferences", json={"preferences": {key: 1}})
        assert refused.status_code == 400, key


def test_preferences_need_a_session(client):
    response = client.put("/api/auth/preferences", json={"preferences": {"theme": "dark"}})
    assert response.status_code == 401
    assert response.get_json()["errors"] == ["Authentication required"]


OPERATOR_VALUES = [{"$ne": None}, {"$gt": ""}, ["a"], 12, True]
AUTH_FIELDS = [
    ("/api/auth/register-passwordless", {"username": "valid", "email": "v@example.com"}),
    ("/api/auth/verify-email", {"email": "v@example.com", "code": "123456"}),
    ("/api/auth/totp/qrcode", {"email": "v@example.com", "user_id": "a" * 24}),
    ("/api/auth/complete-totp-setup", {"email": "v@example.com", "totp_code": "123456"}),
    ("/api/auth/recovery-code/set", {"email": "v@example.com", "recovery_code": "abcdefgh"}),
    ("/api/auth/login-passwordless", {"identifier": "valid", "totp_code": "123456"}),
    ("/api/auth/login-passwordless-backup", {"identifier": "valid", "backup_code": "12345678"}),
    ("/api/auth/login", {"username": "valid", "password": "x", "totp_code": "123456"}),
    ("/api/auth/verify-login-email-2fa", {"user_id": "a" * 24, "code": "123456"}),
]


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": False}])
@pytest.mark.parametrize("path, payload", AUTH_FIELDS)
def test_mongodb_operators_in_any_auth_field_are_400(app, make_client, path, payload):
    for field in payload:
        for value in OPERATOR_VALUES:
            response = make_client().post(path, json={**payload, field: value})
            assert response.status_code == 400, (path, field, value, response.get_json())


@pytest.mark.parametrize("body", ['["a"]', '"text"', "not json", "null"])
def test_body_that_is_not_an_object_is_400(client, body):
    response = client.post("/api/auth/login-passwordless", data=body,
                           content_type="application/json")
    assert response.status_code == 400


def test_json_content_type_required(client):
    response = client.post("/api/auth/login-passwordless", data="identifier=a")
    assert response.status_code == 400
    assert response.get_json()["errors"] == ["Content-Type must be application/json"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.get_json() == {"success": False, "errors": ["Page not found"],
                                   "error": "Page not found"}


def test_login_rate_limit_429_with_retry_after(auth, client):
    user = auth.user()
    statuses = [client.post("/api/auth/login-passwordless",
                            json={"identifier": user["username"], "totp_code": "000000"}).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    limited = client.post("/api/auth/login-passwordless",
                          json={"identifier": user["username"], "totp_code": "000000"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.get_json()["success"] is False


def test_failures_at_one_account_are_limited_from_any_address(auth, make_client):
    """Changing address does not buy unlimited guesses at one account."""
    user = auth.user()
    statuses = [make_client().post("/api/auth/login-passwordless",
                                   json={"identifier": user["username"], "totp_code": "000000"}
                                   ).status_code for _ in range(21)]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_a_stranger_cannot_lock_a_user_out_with_a_few_requests(auth, client, make_client):
    user = auth.user()
    for _ in range(6):  # the stranger exhausts their own per-address budget
        client.post("/api/auth/login-passwordless",
                    json={"identifier": user["username"], "totp_code": "000000"})
    victim = make_client()
    response = victim.post("/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()})
    assert response.status_code == 200


def test_backup_codes_need_a_fresh_authenticator_code(auth):
    user, client = auth.signed_in()
    assert client.post("/api/auth/backup-codes", json={}).status_code == 400
    assert client.post("/api/auth/backup-codes", json={"totp_code": "000000"}).status_code == 400
    from models.user import User

    with client.application.app_context():
        User.update(user["_id"], unset=["totp_last_step"])
    response = client.post("/api/auth/backup-codes",
                           json={"totp_code": pyotp.TOTP(user["totp_secret"]).now()})
    assert response.status_code == 200 and len(response.get_json()["backup_codes"]) == 10


def test_forwarded_for_is_ignored_without_trusted_proxies(client):
    for n in range(6):
        response = client.post("/api/auth/login-passwordless",
                               json={"identifier": f"nobody{n}", "totp_code": "000000"},
                               headers={"X-Forwarded-For": f"203.0.113.{n}"})
    assert response.status_code == 429


# ----- sockets -----

def test_socket_refused_without_session(app, client, socket_client):
    sio = socket_client(client)
    assert not sio.is_connected()


def test_socket_accepted_joins_user_room_and_gets_connected(auth, socket_client):
    user, client = auth.signed_in()
    sio = socket_client(client)
    assert sio.is_connected()
    received = sio.get_received()
    connected = [e for e in received if e["name"] == "connected"]
    assert connected and connected[0]["args"][0]["user_id"] == str(user["_id"])
    counts = [e["args"][0]["count"] for e in received if e["name"] == "online_count_update"]
    assert counts == [1]  # once, not twice as in the older server


def test_presence_counts_two_tabs_as_one_user(app, auth, socket_client, emitted):
    user, client = auth.signed_in()
    friend, friend_client = auth.signed_in()
    stranger, stranger_client = auth.signed_in()
    with app.app_context():
        factories.make_friends(user, friend)
    watcher = socket_client(friend_client)
    socket_client(stranger_client)
    tab1 = socket_client(client)
    tab2 = socket_client(client)
    watcher.get_received()
    online = [e for e in emitted if e["event"] == "user_online"
              and e["data"]["user_id"] == str(user["_id"])]
    # Once (two tabs are one user), and only to the online friend, not to everyone.
    assert [e["room"] for e in online] == [f"user_{friend['_id']}"]
    tab1.disconnect()
    assert not [e for e in emitted if e["event"] == "user_offline"]
    tab2.disconnect()
    offline = [e for e in emitted if e["event"] == "user_offline"]
    assert [(e["data"]["user_id"], e["room"]) for e in offline] == [
        (str(user["_id"]), f"user_{friend['_id']}")]
    assert emitted[-1]["event"] == "online_count_update" and emitted[-1]["data"] == {"count": 2}


def test_online_count_broadcast_is_coalesced(app, auth, socket_client, emitted):
    """With PRESENCE_COUNT_INTERVAL set, many connects cost one broadcast per interval;
    each newcomer still learns the count at once."""
    app.config["PRESENCE_COUNT_INTERVAL"] = 30
    sockets = [socket_client(auth.signed_in()[1]) for _ in range(3)]
    broadcasts = [e for e in emitted if e["event"] == "online_count_update" and e["room"] is None]
    assert broadcasts == []  # the one broadcast is scheduled 30 s out
    for n, sio in enumerate(sockets, start=1):
        counts = [e["args"][0]["count"] for e in sio.get_received()
                  if e["name"] == "online_count_update"]
        assert counts[0] == n


def test_logout_closes_the_socket_of_that_session(auth, socket_client):
    user, client = auth.signed_in()
    sio = socket_client(client)
    assert sio.is_connected()
    assert client.post("/api/auth/logout").get_json()["success"] is True
    assert not sio.is_connected()
    assert client.get("/api/auth/me").get_json()["success"] is False


def test_ending_all_sessions_logs_out_every_browser(app, auth, socket_client):
    user = auth.user()
    first, second = auth.login(user), auth.login(user)
    sio = socket_client(first)
    with app.test_request_context():
        sessions.end_all(str(user["_id"]))
    assert first.get("/api/auth/me").get_json()["success"] is False
    assert second.get("/api/auth/me").get_json()["success"] is False
    assert not sio.is_connected()


def test_banned_user_session_is_refused(app, auth):
    from models.user import User

    user, client = auth.signed_in()
    with app.app_context():
        User.update(user["_id"], set_={"is_banned": True})
    assert client.get("/api/auth/me").get_json()["success"] is False


# ----- production configuration -----

@pytest.mark.parametrize("env, reason", [
    ({}, "SECRET_KEY"),
    ({"SECRET_KEY": "dev-insecure-secret-change-me"}, "SECRET_KEY"),
    ({"SECRET_KEY": "x" * 40, "DEBUG": "1"}, "DEBUG"),
    ({"SECRET_KEY": "x" * 40, "CORS_ORIGINS": "*"}, "CORS_ORIGINS"),
    ({"SECRET_KEY": "x" * 40}, "METRICS_TOKEN"),
])
def test_production_refuses_unsafe_settings(monkeypatch, env, reason):
    for name in ("SECRET_KEY", "DEBUG", "CORS_ORIGINS", "METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        ProductionConfig().validate()


def test_production_accepts_safe_settings_and_secures_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("CORS_ORIGINS", "https://parley.example")
    monkeypatch.setenv("METRICS_TOKEN", "a-metrics-scrape-token")
    monkeypatch.delenv("DEBUG", raising=False)
    config = ProductionConfig()
    config.validate()
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_SAMESITE == "None"


def test_production_refusal_is_one_line_at_startup(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"],
                            env={"APP_ENV": "production", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sockets_of_a_dead_process_are_swept(app, auth, socket_client, emitted):
    """A process killed without closing its sockets: once its heartbeat expires,
    the sweeper takes its users offline (else they would stay online forever)."""
    from services import presence
    from utils.redis_client import get_redis, key

    user, client = auth.signed_in()
    friend, friend_client = auth.signed_in()
    with app.app_context():
        factories.make_friends(user, friend)
    socket_client(friend_client)
    sio = socket_client(client)
    with app.app_context():
        assert presence.is_online(str(user["_id"]))
        assert presence.sweep_dead_processes() == 0  # alive: nothing to do
        get_redis().delete(key("process_alive", presence.process_id()))  # the "crash"
        assert presence.sweep_dead_processes() == 2
        assert not presence.is_online(str(user["_id"]))
        assert presence.online_count() == 0
    offline = [e["data"]["user_id"] for e in emitted if e["event"] == "user_offline"]
    # Whichever of the two was swept first was announced to the other, still online.
    assert len(offline) == 1 and offline[0] in {str(user["_id"]), str(friend["_id"])}
    sio.disconnect()  # the socket's own close later finds nothing left to undo
    assert [e["data"]["user_id"] for e in emitted if e["event"] == "user_offline"] == offline


def test_an_unchanged_session_is_not_sent_again_but_varies_the_answer(auth):
    """A read that leaves the session as it was sets no cookie (the session is not
    rewritten either) and says the answer depends on the cookie; signing out
    still clears the cookie."""
    _, client = auth.signed_in()
    read = client.get("/api/auth/me")
    assert read.status_code == 200
    assert not [h for h in read.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert "Cookie" in [v.strip() for v in read.headers["Vary"].split(",")]
    out = client.post("/api/auth/logout")
    assert out.status_code == 200
    cleared = [h for h in out.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "expires=Thu, 01 Jan 1970" in cleared[0])
