"""Every response names its request (X-Request-ID, utils/logging_setup.py): the id a
client sent when it is a plain one, else a new one, never the same twice."""
import re

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_each_response_gets_an_id_of_its_own(client):
    ids = [client.get("/api/auth/me").headers["X-Request-ID"] for _ in range(50)]
    assert all(HEX_ID.fullmatch(request_id) for request_id in ids), ids[:3]
    assert len(set(ids)) == len(ids)


def test_a_plain_id_from_the_client_is_kept(client):
    response = client.get("/api/auth/me", headers={"X-Request-ID": "trace-0a1b-2c3d"})
    assert response.headers["X-Request-ID"] == "trace-0a1b-2c3d"


def test_an_id_that_is_not_plain_is_replaced(client):
    for sent in ("x" * 65, "two words", "a\\b", "<script>"):
        answered = client.get("/api/auth/me", headers={"X-Request-ID": sent}).headers
        assert HEX_ID.fullmatch(answered["X-Request-ID"]), (sent, answered["X-Request-ID"])
