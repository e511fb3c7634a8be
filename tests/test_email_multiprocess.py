"""Two real server processes, one deployment: each runs the email worker's
periodic task, the Redis lease lets one of them drain at a time, and every
missed-message email reaches the loopback SMTP server exactly once (issue 15)."""
import time

import pytest

from tests.email_helpers import smtp  # noqa: F401 (fixture)
from tests.live_server import signed_in_session, start_server

pytestmark = pytest.mark.e2e


def test_two_processes_send_each_email_once(service_urls, live_db, smtp):  # noqa: F811
    smtp.clear()
    senders = live_db.users(2)
    recipients = live_db.users(4)
    env = {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port),
           "SMTP_USE_TLS": "0", "EMAIL_NOTIFY_DELAY": "0.5", "EMAIL_QUEUE_INTERVAL": "0.2"}
    servers = [start_server(service_urls, live_db.name, extra_env=env) for _ in range(2)]
    try:
        sessions = [signed_in_session(server.url, sender)
                    for server, sender in zip(servers, senders)]
        for n, recipient in enumerate(recipients):  # half through each process
            server, http = servers[n % 2], sessions[n % 2]
            response = http.post(server.url + "/api/messages/private", timeout=10, json={
                "to_user_id": str(recipient["_id"]), "content": f"hello {n}",
                "message_type": "text"})
            assert response.status_code == 201, response.text
        deadline = time.monotonic() + 30
        while len(smtp.messages) < len(recipients) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # several more passes of both workers: nothing more may arrive
        assert sorted(m["To"] for m in smtp.messages) == sorted(r["email"] for r in recipients)
    finally:
        for server in servers:
            server.stop()
