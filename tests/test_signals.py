"""SIGHUP reloads settings, SIGTERM shuts down gracefully: real serve.py processes."""
import json
import signal
import threading
import time

import pytest
import requests

from services import shutdown
from services.periodic import JOB_NAMES, start_periodic
from tests.live_server import signed_in_session, socket_for, start_server
from tests.waiting import wait_until
from utils import settings_reload
from utils.text import content_filter

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_db):
    return live_db.name, live_db.users(1)[0]


def test_sighup_reloads_settings_and_refuses_a_bad_file(service_urls, seeded, tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"log_level": "WARNING"}))
    server = start_server(service_urls, seeded[0], extra_env={"SETTINGS_FILE": str(settings)})
    try:
        requests.get(server.url + "/healthz", timeout=5)
        assert "GET /healthz" not in server.log()  # access lines are INFO

        settings.write_text(json.dumps({"log_level": "INFO", "content_filter_words": ["zorp"]}))
        server.process.send_signal(signal.SIGHUP)
        wait_until(lambda: "settings reloaded" in server.log(), what="reload log line")
        requests.get(server.url + "/healthz", timeout=5)
        wait_until(lambda: "GET /healthz 200" in server.log(), what="INFO access line")

        settings.write_text('{"log_level": "WARNING", "rate_limits": {"x": "often"}}')
        server.process.send_signal(signal.SIGHUP)
        wait_until(lambda: "settings reload refused" in server.log(), what="refusal line")
        assert server.log().count("settings reload refused") == 1
        requests.get(server.url + "/readyz", timeout=5)
        # The old level (INFO) stayed: the refused file's WARNING was not applied.
        wait_until(lambda: "GET /readyz 200" in server.log(), what="INFO line after refusal")
        assert server.process.poll() is None
    finally:
        server.stop()


def test_reload_replaces_filter_words_and_rate_limits_only_when_valid(app, tmp_path):
    path = tmp_path / "settings.json"
    limit = settings_reload.rate_limit("chat_send", "30 per minute")
    path.write_text(json.dumps({"content_filter_words": ["zorp"], "content_filter_links": False,
                                "rate_limits": {"chat_send": "5 per second"},
                                "slow_mode_default_seconds": 10}))
    with app.app_context():
        assert limit() == "30 per minute"
        assert settings_reload.reload_settings(app, str(path)) is True
        assert content_filter("a zorp at http://x.example") == "a **** at http://x.example"
        assert limit() == "5 per second"
        assert app.config["SLOW_MODE_DEFAULT_SECONDS"] == 10

        for bad in ('{"content_filter_words": "zorp"}', '{"unknown": 1}', "not json",
                    '{"slow_mode_default_seconds": -1}'):
            path.write_text(bad)
            assert settings_reload.reload_settings(app, str(path)) is False
        assert content_filter("zorp") == "****"
        assert limit() == "5 per second"


@pytest.mark.parametrize("async_mode", ["gevent", "eventlet"])
def test_sigterm_tells_sockets_to_reconnect_then_exits(service_urls, seeded, async_mode):
    db_name, user = seeded
    server = start_server(service_urls, db_name, async_mode=async_mode,
                          extra_env={"SHUTDOWN_GRACE_SECONDS": "5"})
    try:
        http = signed_in_session(server.url, user)
        sio = socket_for(server.url, http)
        sio.log.wait_for("connected")
        metrics = requests.get(server.url + "/metrics", timeout=5).text
        assert "parley_sockets_connected 1.0" in metrics
        assert "parley_socket_packets_delivered_total" in metrics

        server.process.send_signal(signal.SIGTERM)
        notice = sio.log.wait_for("server_shutdown")
        assert notice["reconnect"] is True
        wait_until(lambda: not sio.connected, what="socket closed by the server")
        assert server.process.wait(timeout=15) == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + "/healthz", timeout=2)
        assert "released 1 sockets" in server.log()
    finally:
        server.stop()


def test_drain_waits_for_in_flight_requests(app):
    entered, release = threading.Event(), threading.Event()

    def slow():
        entered.set()
        release.wait(10)
        return "done"

    app.add_url_rule("/test-slow", "test_slow", slow)
    results = []
    worker = threading.Thread(target=lambda: results.append(app.test_client().get("/test-slow")))
    worker.start()
    assert entered.wait(10)
    # The grace period runs out while the request is still being served.
    assert shutdown.drain_requests(time.monotonic() + 0.2) == 1
    release.set()
    assert shutdown.drain_requests(time.monotonic() + 10) == 0
    worker.join(10)
    assert results[0].status_code == 200 and results[0].get_data(as_text=True) == "done"


def test_shutdown_stops_every_periodic_job(app):
    """After the drain no job wakes up again (with the embedded servers it would
    find Valkey gone and log an outage at every stop)."""
    passes = []
    start_periodic(app, "test_tick", 0.05, lambda: passes.append(1), exclusive=False)
    wait_until(lambda: len(passes) >= 2, what="the job's first passes")

    with app.app_context():
        shutdown.shut_down(grace_seconds=1)
    time.sleep(0.1)  # a pass that was already past its check may still finish
    settled = len(passes)
    time.sleep(0.4)  # eight intervals
    assert len(passes) == settled
    assert not any(app.extensions[name]["running"] for name in app.extensions[JOB_NAMES])
