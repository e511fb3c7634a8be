"""Lockout that cannot be used against the owner (issue 16): a stranger's
failures at an account from many addresses stop the stranger, not the owner's
browser that holds a device cookie from an earlier sign-in."""
from services.device_cookies import COOKIE_NAME
from tests import factories
from tests.conftest import new_client


def attempt(client, user, code):
    return client.post("/api/auth/login-passwordless",
                       json={"identifier": user["username"], "totp_code": code})


def wrong_code(user):
    right = factories.totp_now(user)
    return f"{(int(right) + 1) % 1_000_000:06d}"


def test_a_strangers_failures_do_not_stop_the_owners_browser(app, auth):
    owner = auth.user()
    browser = auth.login(owner)  # an earlier sign-in left a device cookie in this browser
    assert browser.get_cookie(COOKIE_NAME, path="/api/auth") is not None
    browser.post("/api/auth/logout", json={})

    stranger_statuses = []
    for _ in range(25):  # 50 failures from 25 addresses
        stranger = new_client(app)
        stranger_statuses += [attempt(stranger, owner, wrong_code(owner)).status_code
                              for _ in range(2)]
    assert set(stranger_statuses) <= {401, 429} and 429 in stranger_statuses

    # The stranger, from yet another address, is still stopped even with the right code.
    with app.app_context():
        assert factories.login(new_client(app), owner).status_code == 429
    # The owner's browser, from a fresh address, signs in.
    browser.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    with app.app_context():
        response = factories.login(browser, owner)
    assert response.status_code == 200 and response.get_json()["success"] is True


def test_a_device_cookie_has_a_failure_budget_of_its_own(app, auth):
    owner = auth.user()
    browser = auth.login(owner)
    statuses = []
    for n in range(12):  # guesses from the trusted browser, rotating its address
        browser.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        statuses.append(attempt(browser, owner, wrong_code(owner)).status_code)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_a_cookie_for_another_account_or_forged_is_not_trusted(app, auth):
    owner, other = auth.user(), auth.user()
    browser = auth.login(other)  # a device cookie, but for another account
    forged = new_client(app)
    forged.set_cookie(COOKIE_NAME, "forged.value.x", path="/api/auth")
    for client in (browser, forged):
        for n in range(21):
            client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n + 1}"
            last = attempt(client, owner, wrong_code(owner)).status_code
        assert last == 429
