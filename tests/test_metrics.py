"""/metrics: what Prometheus scrapes, and who may scrape it."""
import pytest
from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    return response.get_data(as_text=True)


def sample(text, name, **labels):
    """The value of one sample, or 0.0 when it is not there yet."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_requests_are_counted_by_url_rule_and_status(client, auth):
    before = scrape(client)
    _, signed_in = auth.signed_in()
    assert signed_in.get("/api/auth/me").status_code == 200
    assert client.get("/api/auth/me").status_code == 200  # anonymous: authenticated false
    assert client.get("/no/such/path/123").status_code == 404
    after = scrape(client)

    def delta(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert delta("parley_http_requests_total", endpoint="/api/auth/me", method="GET",
                 status="200") == 2
    assert delta("parley_http_requests_total", endpoint="/api/auth/login-passwordless",
                 method="POST", status="200") == 1
    # Unknown paths share one label, so a scanner cannot grow the label set.
    assert delta("parley_http_requests_total", endpoint="<unmatched>", method="GET",
                 status="404") == 1
    assert "/no/such/path/123" not in after
    assert delta("parley_http_request_seconds_count", endpoint="/api/auth/me", method="GET") == 2


def test_mongo_and_redis_calls_are_timed(client, auth):
    before = scrape(client)
    auth.signed_in()  # sign-in reads users (Mongo) and writes a session (Redis)
    after = scrape(client)
    assert (sample(after, "parley_mongo_command_seconds_count", command="find", outcome="ok")
            > sample(before, "parley_mongo_command_seconds_count", command="find", outcome="ok"))
    assert sample(after, "parley_redis_command_seconds_count", outcome="ok") > 0


def test_connected_sockets_rooms_and_emitted_events(client, auth, socket_client):
    before = scrape(client)
    _, alice = auth.signed_in()
    _, bob = auth.signed_in()
    socket_client(alice)
    socket_client(bob)
    text = scrape(client)
    assert sample(text, "parley_sockets_connected") == 2
    assert sample(text, "parley_socket_rooms") >= 2  # user_<id> of each
    emitted = (sample(text, "parley_socket_events_emitted_total", event="online_count_update")
               - sample(before, "parley_socket_events_emitted_total",
                        event="online_count_update"))
    assert emitted == 2  # once per connect, however many sockets received it
    # Deliveries are counted where packets hit a real socket: the test client
    # replaces that path, so tests/test_signals.py checks it on a real server.


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("config_overrides", [{"METRICS_TOKEN": "scrape-secret"}],
                         indirect=True)
def test_metrics_token_is_required_when_set(client):
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.get_json()["success"] is False
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert "parley_http_requests_total" in scrape(client, Authorization="Bearer scrape-secret")
