"""The daily/weekly digest: top new posts and busiest rooms of the user's
topics, filed once per period, skipped when there is nothing new (issue 15)."""
from datetime import timedelta

import pytest

from models.topic import TopicMember
from services import chat_cache, email_worker
from tests.chat_helpers import create_room, make_topic, send
from tests.content_helpers import make_post
from tests.email_helpers import parts, smtp, smtp_settings  # noqa: F401 (smtp: fixture)
from tests.test_metrics import sample, scrape
from utils.time import advance_clock, utcnow


@pytest.fixture
def config_overrides(smtp):
    return smtp_settings(smtp, EMAIL_DIGEST_HOUR=7)


def to_next_monday_morning():
    """Move the clock to the coming Monday, 08:00 UTC (weekly digests go out on Mondays)."""
    now = utcnow()
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=8, minute=0, second=0,
                                                                microsecond=0)
    advance_clock(monday - now)
    assert utcnow().weekday() == 0


def drain(app):
    with app.app_context():
        return email_worker.drain()


def test_daily_and_weekly_digests_once_per_period_and_nothing_when_nothing_is_new(
        app, auth, smtp, client):
    owner, owner_client = auth.signed_in(username="owner")
    daily = auth.user(username="daily", preferences={"language": "en", "email_digest": "daily"})
    weekly = auth.user(username="weekly", preferences={"language": "pt", "email_digest": "weekly"})
    auth.user(username="off", preferences={"language": "en"})
    idle = auth.user(username="idle", preferences={"language": "en", "email_digest": "daily"})
    to_next_monday_morning()
    topic = make_topic(app, owner, title="Gardening")
    with app.app_context():
        for user in (daily, weekly):
            TopicMember.insert(topic_id=topic["_id"], user_id=user["_id"], role="member")
    make_post(owner_client, str(topic["_id"]), title="Tomatoes <3")
    room = create_room(owner_client, str(topic["_id"]), name="seedlings")
    assert send(owner_client, room["id"], "hi").status_code == 201
    with app.app_context():
        chat_cache.ROOM_ACTIVITY.flush_all()
    before = scrape(client)

    assert len(drain(app)) == 2  # daily and weekly; "idle" has nothing new: skipped
    assert drain(app) == []  # once per period, however many passes
    [to_daily] = smtp.to(daily["email"])
    [to_weekly] = smtp.to(weekly["email"])
    assert smtp.to(idle["email"]) == []
    assert to_daily["Subject"] == "Your daily Parley digest"
    assert to_weekly["Subject"] == "Seu resumo semanal do Parley"
    text, html = parts(to_daily)
    assert "Tomatoes <3 (in Gardening" in text and "Tomatoes &lt;3" in html
    assert "seedlings (in Gardening; 1 messages)" in text
    assert "/api/email/unsubscribe/" in to_daily["List-Unsubscribe"]
    after = scrape(client)
    assert sample(after, "parley_emails_sent_total", kind="digest") - sample(
        before, "parley_emails_sent_total", kind="digest") == 2
    assert sample(after, "parley_emails_skipped_total", kind="digest") - sample(
        before, "parley_emails_skipped_total", kind="digest") == 1

    advance_clock(timedelta(days=1))  # Tuesday: the daily one only, and it is new again
    make_post(owner_client, str(topic["_id"]), title="Peppers")
    assert len(drain(app)) == 1
    assert len(smtp.to(daily["email"])) == 2 and len(smtp.to(weekly["email"])) == 1


def test_a_muted_topic_stays_out_of_the_digest(app, auth, smtp):
    owner, owner_client = auth.signed_in()
    reader, reader_client = auth.signed_in(preferences={"language": "en",
                                                        "email_digest": "daily"})
    topic = make_topic(app, owner)
    with app.app_context():
        TopicMember.insert(topic_id=topic["_id"], user_id=reader["_id"], role="member")
    assert reader_client.post(f"/api/users/topics/{topic['_id']}/mute",
                              json={"minutes": -1}).status_code == 200
    to_next_monday_morning()
    make_post(owner_client, str(topic["_id"]), title="Hidden")
    assert drain(app) == []
    assert smtp.messages == []


def test_the_digest_hour_is_respected(app, auth, smtp):
    owner, owner_client = auth.signed_in()  # (sign-in codes follow the real clock)
    now = utcnow()
    advance_clock(now.replace(hour=6, minute=0) + timedelta(days=1) - now)  # tomorrow 06:00
    reader = auth.user(preferences={"language": "en", "email_digest": "daily"})
    topic = make_topic(app, owner)
    with app.app_context():
        TopicMember.insert(topic_id=topic["_id"], user_id=reader["_id"], role="member")
    make_post(owner_client, str(topic["_id"]))
    assert drain(app) == []  # before EMAIL_DIGEST_HOUR
    advance_clock(timedelta(hours=1))
    assert len(drain(app)) == 1
