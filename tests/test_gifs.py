"""GIF routes (rest-content §9) against local servers standing in for GIPHY
(API v1) and KLIPY (API v2, Tenor's shape): each stand-in checks the key and
records the exact path and parameters the real client sends, and answers
bodies of the providers' recorded shape."""
import logging
import time

import pytest

from tests.chat_helpers import create_room, make_topic, send
from tests.gif_stubs import (GIPHY_KEY, KLIPY_KEY, giphy_gif, giphy_list, giphy_routes,
                              klipy_result, klipy_routes)
from tests.http_stub import StubServer

ROUTES = ["/api/gifs/search?q=cat", "/api/gifs/trending", "/api/gifs/popular",
          "/api/gifs/recent", "/api/gifs/categories"]


@pytest.fixture
def giphy():
    with StubServer(giphy_routes()) as stub:
        yield stub


@pytest.fixture
def klipy():
    with StubServer(klipy_routes()) as stub:
        yield stub


class TestGiphy:
    @pytest.fixture
    def config_overrides(self, giphy):
        return {"GIPHY_API_KEY": GIPHY_KEY, "GIPHY_API_URL": giphy.url}

    def test_search_sends_the_v1_request_and_answers_gif_objects(self, auth, giphy):
        _, client = auth.signed_in()
        response = client.get("/api/gifs/search?q=happy cat&limit=5&locale=fr_FR")
        assert response.status_code == 200
        assert response.get_json() == {"success": True, "data": [{
            "id": "s1", "title": "Cat GIF", "url": "https://media2.giphy.com/media/s1/200.gif",
            "preview_url": "https://media2.giphy.com/media/s1/100.gif",
            "width": 356, "height": 200}]}
        assert giphy.requests == [("/v1/gifs/search", {
            "api_key": GIPHY_KEY, "q": "happy cat", "limit": "5", "offset": "0",
            "rating": "g", "lang": "fr"})]

    def test_results_are_cached_per_query_for_everyone(self, auth, giphy):
        _, alice = auth.signed_in()
        _, bob = auth.signed_in()
        assert alice.get("/api/gifs/search?q=cat").status_code == 200
        assert bob.get("/api/gifs/search?q=cat").status_code == 200
        assert len(giphy.requests) == 1
        assert bob.get("/api/gifs/search?q=dog").status_code == 200
        assert bob.get("/api/gifs/search?q=cat&limit=7").status_code == 200
        assert len(giphy.requests) == 3

    def test_trending_popular_recent_categories(self, auth, giphy):
        _, client = auth.signed_in()
        trending = client.get("/api/gifs/trending?limit=3").get_json()["data"]
        assert trending[0]["id"] == "t1"
        assert client.get("/api/gifs/popular").get_json()["data"][0]["id"] == "s1"
        assert client.get("/api/gifs/recent").status_code == 200
        categories = client.get("/api/gifs/categories").get_json()["data"]
        assert categories == [{"name": "Actions", "path": "/api/gifs/search?q=Actions",
                               "image": "https://media2.giphy.com/media/c1/200.gif"}]
        assert giphy.requests[0] == ("/v1/gifs/trending", {
            "api_key": GIPHY_KEY, "limit": "3", "offset": "0", "rating": "g"})
        assert [p["q"] for path, p in giphy.requests if path == "/v1/gifs/search"] == [
            "popular", "new"]
        assert giphy.requests[-1] == ("/v1/gifs/categories", {"api_key": GIPHY_KEY})

    def test_register_share_is_acknowledged(self, auth, giphy):
        _, client = auth.signed_in()
        response = client.post("/api/gifs/register-share", json={"gif_id": "s1", "query": "cat"})
        assert response.status_code == 200
        assert response.get_json()["message"] == "Share registered successfully"

    def test_chosen_gif_goes_into_a_message(self, app, auth):
        owner, client = auth.signed_in()
        room = create_room(client, make_topic(app, owner)["_id"])
        gif = client.get("/api/gifs/search?q=cat").get_json()["data"][0]
        response = send(client, room["id"], "", message_type="gif", gif_url=gif["url"])
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["data"]["gif_url"] == gif["url"]

    def test_anonymous_caller_is_refused_everywhere(self, client, giphy):
        for path in ROUTES:
            response = client.get(path)
            assert response.status_code == 401, path
            assert response.get_json()["errors"] == ["Authentication required"]
        assert client.post("/api/gifs/register-share", json={"gif_id": "s1"}).status_code == 401
        assert giphy.requests == []

    def test_bad_input_is_a_400_with_the_contract_message(self, auth):
        _, client = auth.signed_in()
        cases = {"/api/gifs/search": "Search query is required",
                 "/api/gifs/search?q=%20%20": "Search query is required",
                 "/api/gifs/search?q=cat&limit=0": "limit must be between 1 and 50",
                 "/api/gifs/trending?limit=abc": "limit must be an integer",
                 "/api/gifs/categories?locale=$where": "locale must look like en_US"}
        for path, message in cases.items():
            response = client.get(path)
            assert response.status_code == 400, path
            assert response.get_json()["errors"] == [message]
        for body, message in (({}, "GIF ID is required"), ({"gif_id": "a/b"}, "GIF ID is not valid"),
                              ({"gif_id": {"$ne": 1}}, "gif_id has the wrong type")):
            response = client.post("/api/gifs/register-share", json=body)
            assert (response.status_code, response.get_json()["errors"]) == (400, [message])


class TestGiphyLimits:
    @pytest.fixture
    def config_overrides(self, giphy):
        return {"GIPHY_API_KEY": GIPHY_KEY, "GIPHY_API_URL": giphy.url,
                "GIF_REQUEST_LIMIT": 2, "GIF_REQUEST_WINDOW": 60}

    def test_outbound_calls_are_limited_per_user(self, auth, giphy):
        _, alice = auth.signed_in()
        _, bob = auth.signed_in()
        assert alice.get("/api/gifs/search?q=a").status_code == 200
        assert alice.get("/api/gifs/search?q=b").status_code == 200
        assert alice.get("/api/gifs/search?q=a").status_code == 200  # cached: free
        response = alice.get("/api/gifs/search?q=c")
        assert response.status_code == 429
        assert response.get_json()["success"] is False
        assert bob.get("/api/gifs/search?q=c").status_code == 200
        assert len(giphy.requests) == 3


class TestKlipy:
    @pytest.fixture
    def config_overrides(self, klipy):
        return {"KLIPY_API_KEY": KLIPY_KEY, "KLIPY_API_URL": klipy.url}

    def test_requests_have_tenors_shape_and_the_safest_filter(self, auth, klipy):
        _, client = auth.signed_in()
        data = client.get("/api/gifs/search?q=excited&limit=4").get_json()["data"]
        assert data == [{"id": "16989471141791455574", "title": "Excited Cat GIF",
                         "url": "https://static.klipy.com/ii/16989471141791455574/gif.gif",
                         "preview_url": "https://static.klipy.com/ii/16989471141791455574/tiny.gif",
                         "width": 498, "height": 280}]
        assert client.get("/api/gifs/trending?locale=de_DE").get_json()["data"][0]["id"] == "111"
        categories = client.get("/api/gifs/categories").get_json()["data"]
        assert categories == [{"name": "excited", "path": "/api/gifs/search?q=excited",
                               "image": "https://static.klipy.com/ii/cat/excited.gif"}]
        assert client.post("/api/gifs/register-share",
                           json={"gif_id": "111", "query": "excited"}).status_code == 200
        keys = {"key": KLIPY_KEY, "client_key": "parley"}
        media = {"media_filter": "gif,tinygif", "contentfilter": "high"}
        assert klipy.requests == [
            ("/v2/search", {**keys, "q": "excited", "limit": "4", "locale": "en_US", **media}),
            ("/v2/featured", {**keys, "limit": "20", "locale": "de_DE", **media}),
            ("/v2/categories", {**keys, "locale": "en_US", "contentfilter": "high"}),
            ("/v2/registershare", {**keys, "id": "111", "locale": "en_US", "q": "excited"}),
        ]


class TestTenorAlias:
    @pytest.fixture
    def config_overrides(self, klipy):
        return {"TENOR_API_KEY": KLIPY_KEY, "KLIPY_API_KEY": KLIPY_KEY,
                "KLIPY_API_URL": klipy.url}

    def test_tenor_key_uses_klipy_and_says_so_once(self, auth, klipy, caplog):
        _, client = auth.signed_in()
        with caplog.at_level(logging.WARNING, logger="services.gif_providers"):
            assert client.get("/api/gifs/search?q=a").status_code == 200
            assert client.get("/api/gifs/search?q=b").status_code == 200
        assert [r.message for r in caplog.records].count(
            "TENOR_API_KEY is deprecated: Tenor's API is closed; the key is used as "
            "KLIPY_API_KEY (KLIPY kept Tenor's API shape)") == 1
        assert klipy.paths() == ["/v2/search", "/v2/search"]


class TestNotConfigured:
    @pytest.fixture
    def config_overrides(self):
        return {"GIPHY_API_KEY": None, "KLIPY_API_KEY": None, "TENOR_API_KEY": None}

    def test_every_route_answers_200_and_nothing_never_500(self, auth):
        _, client = auth.signed_in()
        for path in ROUTES:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.get_json() == {"success": True, "data": [],
                                           "message": "GIF search is not configured"}
        response = client.post("/api/gifs/register-share", json={"gif_id": "1"})
        assert response.status_code == 200
        assert response.get_json()["message"] == "GIF search is not configured"


def failing_routes(kind):
    def answer(params):
        if kind == "slow":
            time.sleep(1.5)
            return 200, giphy_list(giphy_gif("late"))
        if kind == "not_json":
            return 200, b"<html>502 Bad Gateway</html>"
        if kind == "hostile":
            bad = giphy_gif("x")
            bad["images"] = {"fixed_height": {"url": "javascript:alert(1)", "width": "1"}}
            return 200, giphy_list(bad, giphy_gif("ok"))
        return 500, {"meta": {"status": 500, "msg": "Internal"}}
    return {"/v1/gifs/search": answer, "/v1/gifs/trending": answer}


@pytest.mark.parametrize("kind", ["error", "slow", "not_json", "wrong_key"])
class TestUpstreamFailure:
    @pytest.fixture
    def config_overrides(self, kind):
        routes = giphy_routes() if kind == "wrong_key" else failing_routes(kind)
        self.stub = StubServer(routes).__enter__()
        key = "revoked" if kind == "wrong_key" else GIPHY_KEY
        return {"GIPHY_API_KEY": key, "GIPHY_API_URL": self.stub.url, "GIF_TIMEOUT_SECONDS": 0.5}

    def test_upstream_failure_is_a_503_and_is_not_cached(self, auth, kind):
        _, client = auth.signed_in()
        try:
            for path in ("/api/gifs/search?q=cat", "/api/gifs/trending", "/api/gifs/search?q=cat"):
                response = client.get(path)
                assert response.status_code == 503, (path, response.get_json())
                assert response.get_json()["errors"] == [
                    "GIF provider is unavailable, try again later"]
            assert len(self.stub.requests) == 3
        finally:
            self.stub.__exit__(None, None, None)


class TestHostileUpstream:
    @pytest.fixture
    def config_overrides(self):
        self.stub = StubServer(failing_routes("hostile")).__enter__()
        return {"GIPHY_API_KEY": GIPHY_KEY, "GIPHY_API_URL": self.stub.url}

    def test_items_without_an_https_url_are_dropped(self, auth):
        _, client = auth.signed_in()
        try:
            data = client.get("/api/gifs/search?q=cat").get_json()["data"]
            assert [gif["id"] for gif in data] == ["ok"]
        finally:
            self.stub.__exit__(None, None, None)
