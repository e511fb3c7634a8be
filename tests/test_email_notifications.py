"""Missed-message emails through a real SMTP server on loopback: batching per
recipient, nothing for the online, cancel on read, blocks and mutes, and the
preference (issue 15)."""
from datetime import timedelta

import pytest

from services import email_queue, email_render, email_worker
from tests.content_helpers import make_comment, make_post, make_topic
from tests.email_helpers import parts, smtp, smtp_settings  # noqa: F401 (smtp: fixture)
from utils.time import advance_clock

DELAY = 5


@pytest.fixture
def config_overrides(smtp):
    return smtp_settings(smtp, EMAIL_NOTIFY_DELAY=DELAY, FRONTEND_URL="http://spa.example",
                         EMAIL_LINK_BASE_URL="http://api.example")


def dm(client, to, content):
    response = client.post("/api/messages/private", json={
        "to_user_id": str(to["_id"]), "content": content, "message_type": "text"})
    assert response.status_code == 201, response.get_json()


def drain_after_delay(app, seconds=DELAY + 1):
    advance_clock(timedelta(seconds=seconds))
    with app.app_context():
        return email_worker.drain()


def test_offline_recipient_gets_one_email_with_three_messages(app, auth, smtp):
    alice_user, alice = auth.signed_in(username="alice")
    bob_user, _ = auth.signed_in()  # signed in, but no socket open: away
    long_text = "start " + "x" * 400 + " tail"
    for text in (long_text, "two", "three"):
        dm(alice, bob_user, text)
    with app.app_context():
        assert email_worker.drain() == []  # not due yet
    assert len(drain_after_delay(app)) == 1
    assert drain_after_delay(app) == []  # and never again
    [message] = smtp.to(bob_user["email"])
    assert message["Subject"] == "You have 3 new notifications on Parley"
    text, html = parts(message)
    assert text.count("Private message - alice") == 3
    assert "start xxx" in text and "x…" in text and "tail" not in text  # the first lines
    assert "http://spa.example" in text and 'href="http://spa.example"' in html
    assert "two" in html and "three" in html
    assert message["List-Unsubscribe"].startswith("<http://api.example/api/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@localhost>")


def test_messages_after_the_window_opened_join_it_and_later_ones_open_the_next(app, auth, smtp):
    alice_user, alice = auth.signed_in()
    bob_user, _ = auth.signed_in()
    dm(alice, bob_user, "one")
    advance_clock(timedelta(seconds=DELAY - 1))
    dm(alice, bob_user, "two")
    assert len(drain_after_delay(app, 2)) == 1  # the first window is due: both in it
    dm(alice, bob_user, "three")
    assert len(drain_after_delay(app)) == 1
    first, second = smtp.to(bob_user["email"])
    assert "two" in parts(first)[0] and "three" not in parts(first)[0]
    assert "three" in parts(second)[0]


def test_online_recipient_gets_none(app, auth, smtp, socket_client):
    _, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    sio = socket_client(bob)
    assert sio.is_connected()
    dm(alice, bob_user, "you are here")
    assert drain_after_delay(app) == []
    assert smtp.to(bob_user["email"]) == []


def test_reading_the_messages_before_the_delay_cancels(app, auth, smtp):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    for text in ("a", "b", "c"):
        dm(alice, bob_user, text)
    assert bob.post(f"/api/users/private-messages/{alice_user['_id']}/read").status_code == 200
    assert drain_after_delay(app) == []
    assert smtp.to(bob_user["email"]) == []


def test_reading_all_notifications_removes_the_queued_window(app, auth, smtp):
    _, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    dm(alice, bob_user, "a")
    with app.app_context():
        assert len(email_queue.pending_ids(bob_user["_id"])) == 1
    assert bob.post("/api/notifications/read-all").status_code == 200
    with app.app_context():
        assert email_queue.pending_ids(bob_user["_id"]) == []
        assert email_queue.due_at(bob_user["_id"]) is None
    assert drain_after_delay(app) == []


def test_only_what_is_still_unread_is_sent(app, auth, smtp):
    alice_user, alice = auth.signed_in(username="alice2")
    carol_user, carol = auth.signed_in(username="carol")
    bob_user, bob = auth.signed_in()
    dm(alice, bob_user, "from alice")
    dm(carol, bob_user, "from carol")
    assert bob.post(f"/api/users/private-messages/{alice_user['_id']}/read").status_code == 200
    assert len(drain_after_delay(app)) == 1
    [message] = smtp.to(bob_user["email"])
    text, _ = parts(message)
    assert "from carol" in text and "from alice" not in text
    assert message["Subject"] == "You have a new notification on Parley"


def test_muted_sender_produces_nothing(app, auth, smtp):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    assert bob.post(f"/api/users/private-messages/{alice_user['_id']}/mute",
                    json={"minutes": -1}).status_code == 200
    dm(alice, bob_user, "muted")
    assert drain_after_delay(app) == []
    assert smtp.to(bob_user["email"]) == []


def test_blocked_sender_produces_nothing(app, auth, smtp):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    dm(alice, bob_user, "before the block")  # queued ...
    assert bob.post(f"/api/users/{alice_user['_id']}/block").status_code == 200
    assert alice.post("/api/messages/private", json={  # ... and nothing more gets through
        "to_user_id": str(bob_user["_id"]), "content": "after", "message_type": "text"}
    ).status_code == 403
    assert drain_after_delay(app) == []  # the block is honoured at send time too
    assert smtp.to(bob_user["email"]) == []


def test_notifications_off_or_email_off_produce_nothing(app, auth, smtp):
    _, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    carol_user, carol = auth.signed_in()
    assert bob.put("/api/auth/preferences", json={"preferences": {
        "email_missed_messages": False}}).status_code == 200
    assert carol.put("/api/auth/preferences", json={"preferences": {
        "notifications_enabled": False}}).status_code == 200
    dm(alice, bob_user, "to bob")
    dm(alice, carol_user, "to carol")
    assert drain_after_delay(app) == []
    assert smtp.messages == []


def test_email_preferences_are_checked_and_merged(app, auth):
    user, client = auth.signed_in(preferences={"language": "pt", "theme": "dark"})
    for bad in ({"email_digest": "hourly"}, {"email_missed_messages": "yes"},
                {"email_missed_messages": 1}):
        response = client.put("/api/auth/preferences", json={"preferences": bad})
        assert response.status_code == 400, bad
        assert response.get_json()["success"] is False
    assert client.put("/api/auth/preferences", json={"preferences": {
        "email_digest": "weekly", "email_missed_messages": False}}).status_code == 200
    prefs = client.get("/api/auth/me").get_json()["user"]["preferences"]
    assert prefs == {"language": "pt", "theme": "dark", "email_digest": "weekly",
                     "email_missed_messages": False}


def test_friend_request_is_emailed_in_the_recipients_language(app, auth, smtp):
    alice_user, alice = auth.signed_in(username="alice3")
    bob_user, _ = auth.signed_in(preferences={"language": "pt"})
    assert alice.post("/api/users/friends/request",
                      json={"to_user_id": str(bob_user["_id"])}).status_code == 200
    assert len(drain_after_delay(app)) == 1
    [message] = smtp.to(bob_user["email"])
    assert message["Subject"] == "Você tem uma nova notificação no Parley"
    text, html = parts(message)
    assert "Pedido de amizade - alice3" in text and 'lang="pt"' in html


def test_html_part_escapes_user_text_and_text_part_keeps_it(app_ctx, auth):
    user = auth.user(username="dana")
    item = {"kind": "mention", "sender": "<i>eve</i>", "title": "",
            "preview": email_render.first_lines('<script>alert("x")</script> & more')}
    email = email_render.missed_messages(user, [item], 1, "batch1")
    assert '<script>alert("x")</script> & more' in email.text and "<i>eve</i>" in email.text
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "&lt;i&gt;eve&lt;/i&gt;" in email.html


def test_a_comment_on_ones_post_and_a_mention_share_one_email(app, auth, smtp):
    bob_user, bob = auth.signed_in(username="bobpost")
    alice_user, alice = auth.signed_in(username="alice4")
    carol_user, _ = auth.signed_in(username="carol4")
    topic = make_topic(bob)
    post = make_post(bob, topic["id"])
    make_comment(alice, post["id"], "Nice post, @carol4 look")
    assert len(drain_after_delay(app)) == 2  # one for bob (comment), one for carol (mention)
    [to_bob] = smtp.to(bob_user["email"])
    [to_carol] = smtp.to(carol_user["email"])
    assert "Commented on your post - alice4" in parts(to_bob)[0]
    assert "Mentioned you - alice4" in parts(to_carol)[0]
