"""The admin dashboard in a real browser: headless Chromium (Debian's package)
driven by Playwright against a real server process.

An admin made with `flask create-admin` signs in on /admin, sees the numbers
and charts, warns one reported user (who gets `user_warning` live) and bans
another (whose socket is dropped at once), and answers a ticket. Screenshot: test-artifacts/dashboard.png.
"""
import os
from datetime import timedelta

import pyotp
import pytest

from tests import factories
from tests.live_server import ROOT, signed_in_session, socket_for, start_server
from tests.waiting import wait_until
from utils.time import utcnow

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"no Chromium at {CHROMIUM}: apt-get install chromium"),
]


def _seed(app):
    """An admin (via the CLI command), two reported users, a ticket, some history."""
    from models import create_indexes, get_db
    from services import reports, tickets

    with app.app_context():
        create_indexes()
        admin = factories.create_user(username="chief")
        reporter = factories.create_user(username="reporter")
        rude = factories.create_user(username="rude")
        spammer = factories.create_user(username="spammer")
        now = utcnow()
        for day in range(1, 12, 2):  # a few days of history for the charts
            factories.create_user(created_at=now - timedelta(days=day))
        get_db()["posts"].insert_many([{"title": "p", "content": "c", "created_at":
                                        now - timedelta(days=d % 9)} for d in range(20)])
        get_db()["messages"].insert_many([{"content": "m", "created_at":
                                           now - timedelta(days=d % 17)} for d in range(60)])
        for target in (rude, spammer):
            reports.create_report(reporter, "user", target["_id"], "harassment",
                                  f"{target['username']} keeps insulting people",
                                  reported_user_id=target["_id"])
        tickets.create_ticket(reporter, "Cannot upload", "Uploading a picture fails every time.")
    result = app.test_cli_runner().invoke(args=["create-admin", "chief"])
    assert result.exit_code == 0, result.output
    return admin, rude, spammer


@pytest.fixture
def seeded(live_db):
    return live_db.name, _seed(live_db.app)


def test_admin_handles_reports_in_the_browser(service_urls, seeded):
    from playwright.sync_api import expect, sync_playwright

    db_name, (admin, rude, spammer) = seeded
    server = start_server(service_urls, db_name)
    try:
        rude_socket = socket_for(server.url, signed_in_session(server.url, rude))
        spammer_socket = socket_for(server.url, signed_in_session(server.url, spammer))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                         headless=True)
            try:
                page = browser.new_page(viewport={"width": 1366, "height": 1000})
                _sign_in(page, server.url, admin)
                _check_numbers_and_charts(page, expect)
                _act(page, expect, "rude", "warn_user", "Please keep it civil.")
                warning = rude_socket.log.wait_for("user_warning")
                assert warning["message"] == "Please keep it civil."
                _act(page, expect, "spammer", "ban_user", "")  # empty = permanent
                wait_until(lambda: not spammer_socket.connected, what="the banned user's socket to close")
                expect(page.locator("#reports")).to_contain_text("No open reports.")
                expect(page.locator("#banned")).to_contain_text("spammer")
                ticket = page.locator(".ticket-row", has_text="Cannot upload")
                ticket.locator("input[name=admin_response]").fill("Fixed, please retry.")
                ticket.locator("button").click()
                expect(page.locator("#flash")).to_have_text("Response added successfully")
                audit = page.locator("#audit")
                for action in ("report.warn_user", "user.warn", "report.ban_user", "user.ban",
                               "ticket.reply"):
                    expect(audit).to_contain_text(action)
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            finally:
                browser.close()
        rude_socket.disconnect()
    finally:
        server.stop()


def _sign_in(page, url, admin):
    response = page.goto(url + "/admin")
    assert response.status == 401
    page.fill("#identifier", admin["username"])
    page.fill("#totp_code", pyotp.TOTP(admin["totp_secret"]).now())
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#numbers")


def _check_numbers_and_charts(page, expect):
    stat = lambda name: page.locator(f'[data-stat="{name}"]')  # noqa: E731
    expect(stat("users.total")).to_have_text("10")
    expect(stat("reports.pending")).to_have_text("2")
    expect(stat("pending_tickets")).to_have_text("1")
    expect(stat("online_now")).to_have_text("2")  # the two reported users' sockets
    assert page.locator(".charts svg polyline").count() == 3
    for chart in ("chart-users", "chart-messages", "chart-posts"):
        assert page.locator(f".{chart} circle").count() == 30
    expect(page.locator(".chart-posts figcaption")).to_contain_text("total 20")
    expect(page.locator(".chart-messages figcaption")).to_contain_text("total 60")


def _act(page, expect, username, action, answer):
    page.once("dialog", lambda dialog: dialog.accept(answer))
    row = page.locator(".report-row", has_text=username)
    row.locator(f'button[data-action="{action}"]').click()
    taken = {"warn_user": "user_warned", "ban_user": "user_banned"}[action]
    expect(page.locator("#flash")).to_have_text(f"Action taken: {taken}")
    expect(page.locator(".report-row", has_text=username)).to_have_count(0)
