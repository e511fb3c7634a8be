"""Local stand-ins for the GIF providers: GIPHY (API v1) and KLIPY (API v2,
Tenor's shape). Each checks the key the real client sends and answers bodies of
the provider's recorded shape (tests/http_stub.py records every request)."""


GIPHY_KEY, KLIPY_KEY = "giphy-test-key", "klipy-test-key"


def giphy_gif(gif_id, title="Cat GIF"):
    """One GIPHY v1 GIF object (fields trimmed to those of a real answer we read)."""
    media = f"https://media2.giphy.com/media/{gif_id}"
    return {
        "type": "gif", "id": gif_id, "url": f"https://giphy.com/gifs/{gif_id}",
        "slug": f"cat-{gif_id}", "title": title, "rating": "g",
        "images": {
            "original": {"height": "480", "width": "480", "url": f"{media}/giphy.gif"},
            "fixed_height": {"height": "200", "width": "356", "url": f"{media}/200.gif"},
            "fixed_height_small": {"height": "100", "width": "178", "url": f"{media}/100.gif"},
        },
        "analytics": {"onsent": {"url": "https://giphy-analytics.giphy.com/v2/pingback?x=1"}},
    }


def giphy_list(*gifs):
    return {"data": list(gifs), "pagination": {"total_count": 999, "count": len(gifs),
                                               "offset": 0},
            "meta": {"status": 200, "msg": "OK", "response_id": "abc123"}}


def giphy_routes(search_items=None):
    def keyed(answer):
        def route(params):
            if params.get("api_key") != GIPHY_KEY:
                return 401, {"meta": {"status": 401, "msg": "Unauthorized"}}
            return 200, answer(params)
        return route

    return {
        "/v1/gifs/search": keyed(lambda p: giphy_list(*(search_items or [giphy_gif("s1")]))),
        "/v1/gifs/trending": keyed(lambda p: giphy_list(giphy_gif("t1", "Trending"))),
        "/v1/gifs/categories": keyed(lambda p: {
            "data": [{"name": "Actions", "name_encoded": "actions",
                      "subcategories": [{"name": "cooking", "name_encoded": "cooking"}],
                      "gif": giphy_gif("c1")}],
            "pagination": {"count": 1, "offset": 0}, "meta": {"status": 200, "msg": "OK"}}),
    }


def klipy_result(gif_id):
    """One KLIPY v2 (Tenor-shaped) response object."""
    base = f"https://static.klipy.com/ii/{gif_id}"
    return {"id": gif_id, "title": "", "content_description": "Excited Cat GIF",
            "created": 1700000000.0, "itemurl": f"https://klipy.com/gifs/{gif_id}",
            "url": f"https://klipy.com/gifs/{gif_id}", "tags": ["cat"], "flags": [],
            "hasaudio": False,
            "media_formats": {
                "gif": {"url": f"{base}/gif.gif", "duration": 0, "preview": "",
                        "dims": [498, 280], "size": 1234567},
                "tinygif": {"url": f"{base}/tiny.gif", "duration": 0, "preview": "",
                            "dims": [220, 124], "size": 98765}}}


def klipy_routes():
    def keyed(answer):
        def route(params):
            if params.get("key") != KLIPY_KEY or params.get("client_key") != "parley":
                return 401, {"error": {"code": 401, "message": "invalid key"}}
            return 200, answer(params)
        return route

    return {
        "/v2/search": keyed(lambda p: {"results": [klipy_result("16989471141791455574")],
                                       "next": "20"}),
        "/v2/featured": keyed(lambda p: {"results": [klipy_result("111")], "next": "20"}),
        "/v2/categories": keyed(lambda p: {"locale": "en", "tags": [
            {"searchterm": "excited", "name": "#excited",
             "path": "/v2/search?q=excited&locale=en&component=categories",
             "image": "https://static.klipy.com/ii/cat/excited.gif"}]}),
        "/v2/registershare": keyed(lambda p: {}),
    }
