"""The email queue under failure: restarts, crashed senders, racing workers,
transport errors retried with backoff and counted in /metrics; the SendGrid
backend against a local stand-in of its API (issue 15)."""
import threading
import time
from datetime import timedelta

import pytest

from app import create_app
from extensions import socketio
from services import email_queue, email_worker
from services.periodic import stop_periodic
from tests import factories
from tests.conftest import make_config, new_client
from tests.email_helpers import SendgridStandIn, smtp, smtp_settings  # noqa: F401 (fixture)
from tests.test_metrics import sample, scrape
from utils.time import advance_clock, utcnow

DELAY = 5
API_KEY = "SG.test-key"


@pytest.fixture(scope="module")
def sendgrid():
    server = SendgridStandIn(API_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(smtp):
    return smtp_settings(smtp, EMAIL_NOTIFY_DELAY=DELAY)


def queue_dm(auth, to=None, content="are you there?"):
    """Alice writes to an away recipient; returns the recipient."""
    _, alice = auth.signed_in()
    to = to or auth.user()
    response = alice.post("/api/messages/private", json={
        "to_user_id": str(to["_id"]), "content": content, "message_type": "text"})
    assert response.status_code == 201
    return to


def same_deployment(app, service_urls, **overrides):
    """A second app over the same database and Redis: another process, or this one restarted."""
    config = make_config(service_urls, **{
        name: app.config[name] for name in ("MONGO_DB_NAME", "EMAIL_BACKEND", "SMTP_HOST",
                                            "SMTP_PORT", "SMTP_USE_TLS", "EMAIL_NOTIFY_DELAY",
                                            "SENDGRID_API_KEY", "SENDGRID_API_URL")})
    for name, value in overrides.items():
        setattr(config, name, value)
    return create_app(config)


def test_a_restart_between_due_time_and_send_still_sends(app, auth, smtp, service_urls):
    bob = queue_dm(auth)
    advance_clock(timedelta(seconds=DELAY + 1))  # due, and the process stops before its pass
    restarted = same_deployment(app, service_urls)
    with restarted.app_context():
        assert len(email_worker.drain()) == 1
    assert len(smtp.to(bob["email"])) == 1


def test_a_sender_that_died_mid_send_neither_loses_nor_doubles(app, auth, smtp):
    bob = queue_dm(auth)
    advance_clock(timedelta(seconds=DELAY + 1))
    with app.app_context():
        [batch_id] = email_queue.seal_due(utcnow().timestamp())
        assert email_queue.claim(batch_id, "dead-process", 200)  # claimed, then it died
        assert email_worker.drain() == []  # still claimed: nobody else sends it
        deadline = time.monotonic() + 10
        while not email_worker.drain() and time.monotonic() < deadline:
            time.sleep(0.05)  # the dead claim runs out (a Redis TTL, real time)
        assert email_queue.was_sent(batch_id)
        assert email_worker.drain() == []
    assert len(smtp.to(bob["email"])) == 1


def test_a_batch_marked_sent_is_never_sent_again(app, auth, smtp):
    queue_dm(auth)
    advance_clock(timedelta(seconds=DELAY + 1))
    with app.app_context():
        [batch_id] = email_queue.seal_due(utcnow().timestamp())
        email_queue.mark_sent(batch_id)
        assert not email_queue.claim(batch_id, "late", 1000)
        assert email_worker.drain() == []
    assert smtp.messages == []


def test_two_workers_racing_send_each_email_once(app, auth, smtp, service_urls):
    recipients = [queue_dm(auth, content=f"hello {n}") for n in range(6)]
    advance_clock(timedelta(seconds=DELAY + 1))
    other = same_deployment(app, service_urls)
    start, sent = threading.Barrier(4), []

    def worker(application):
        with application.app_context():
            start.wait()
            sent.extend(email_worker.drain())

    threads = [threading.Thread(target=worker, args=(a,)) for a in (app, other, app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == len(set(sent)) == 6
    assert sorted(m["To"] for m in smtp.messages) == sorted(r["email"] for r in recipients)


def test_periodic_workers_of_two_processes_share_one_lease(app, auth, smtp, service_urls):
    settings = {"EMAIL_QUEUE_INTERVAL": 0.05, "EMAIL_NOTIFY_DELAY": 0.2}
    workers = [same_deployment(app, service_urls, **settings) for _ in range(2)]
    try:
        with workers[0].app_context():
            bob = queue_dm_in(workers[0], auth)
        deadline = time.monotonic() + 15
        while not smtp.to(bob["email"]) and time.monotonic() < deadline:
            socketio.sleep(0.05)
        socketio.sleep(0.5)  # ten more passes on each worker
        assert len(smtp.to(bob["email"])) == 1
        assert workers[0].extensions["email_queue"]["passes"] + \
            workers[1].extensions["email_queue"]["passes"] > 0
    finally:
        for worker in workers:
            stop_periodic(worker, "email_queue")


def queue_dm_in(application, auth):
    """Queue a DM through `application`'s own request path (its settings)."""
    alice, bob = factories.create_user(), factories.create_user()
    client = new_client(application)
    factories.login(client, alice)
    assert client.post("/api/messages/private", json={
        "to_user_id": str(bob["_id"]), "content": "quick", "message_type": "text"}
    ).status_code == 201
    return bob


class TestSendgrid:
    @pytest.fixture
    def config_overrides(self, sendgrid):
        sendgrid.requests.clear()
        sendgrid.statuses.clear()
        return {"EMAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": API_KEY,
                "SENDGRID_API_URL": sendgrid.url, "EMAIL_NOTIFY_DELAY": DELAY,
                "EMAIL_RETRY_BASE_SECONDS": 30, "EMAIL_MAX_ATTEMPTS": 3}

    def test_sends_both_parts_and_the_unsubscribe_headers(self, app, auth, sendgrid):
        bob = queue_dm(auth, content="through sendgrid")
        advance_clock(timedelta(seconds=DELAY + 1))
        with app.app_context():
            assert len(email_worker.drain()) == 1
        [request] = sendgrid.requests
        assert request["path"] == "/v3/mail/send"
        assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
        body = request["json"]
        assert body["personalizations"][0]["to"] == [{"email": bob["email"]}]
        assert body["subject"] == "You have a new notification on Parley"
        types = {c["type"]: c["value"] for c in body["content"]}
        assert "through sendgrid" in types["text/plain"] and "through sendgrid" in types["text/html"]
        assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/api/email/unsubscribe/" in body["headers"]["List-Unsubscribe"]
        assert body["headers"]["Message-ID"].startswith("<")

    def test_failures_retry_with_backoff_and_are_counted(self, app, auth, sendgrid, client):
        before = scrape(client)
        sendgrid.statuses.extend([500, 503])
        queue_dm(auth)
        advance_clock(timedelta(seconds=DELAY + 1))
        with app.app_context():
            assert email_worker.drain() == []  # 500: retry in 30 s
            assert email_worker.drain() == []  # not yet: no new request
            assert len(sendgrid.requests) == 1
            advance_clock(timedelta(seconds=31))
            assert email_worker.drain() == []  # 503: retry in 60 s
            advance_clock(timedelta(seconds=59))
            assert email_worker.drain() == []
            advance_clock(timedelta(seconds=2))
            assert len(email_worker.drain()) == 1
        assert len(sendgrid.requests) == 3
        after = scrape(client)

        def delta(name, **labels):
            return sample(after, name, **labels) - sample(before, name, **labels)

        assert delta("parley_email_send_failures_total", kind="missed", outcome="retry") == 2
        assert delta("parley_emails_sent_total", kind="missed") == 1

    def test_gives_up_after_the_last_attempt(self, app, auth, sendgrid, client):
        before = scrape(client)
        sendgrid.statuses.extend([500, 500, 500])
        queue_dm(auth)
        with app.app_context():
            for step in (DELAY + 1, 31, 61):
                advance_clock(timedelta(seconds=step))
                assert email_worker.drain() == []
            advance_clock(timedelta(days=1))
            assert email_worker.drain() == []
        assert len(sendgrid.requests) == 3
        after = scrape(client)
        assert sample(after, "parley_email_send_failures_total", kind="missed",
                      outcome="gave_up") - sample(before, "parley_email_send_failures_total",
                                                  kind="missed", outcome="gave_up") == 1
