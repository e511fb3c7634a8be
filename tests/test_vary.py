"""`vary_on` (utils/vary.py) leaves a response's Vary header as werkzeug's
`response.vary.add` leaves it, whatever the header held before."""
import pytest
from werkzeug.wrappers import Response

from utils.vary import vary_on


@pytest.mark.parametrize("before", [
    None, "Origin", "Cookie", "cookie", "Origin, Cookie", "Accept-Encoding, Origin",
    "Origin,Accept", "Origin,  Accept", '"quoted", Origin', "*", "Origin, origin", "",
    "Accept, Cookies", "X-Cookie",
])
@pytest.mark.parametrize("name", ["Cookie", "Origin"])
def test_the_header_ends_as_werkzeug_leaves_it(before, name):
    ours, werkzeugs = Response(b"{}"), Response(b"{}")
    if before is not None:
        ours.headers["Vary"] = werkzeugs.headers["Vary"] = before
    vary_on(ours, name)
    werkzeugs.vary.add(name)
    assert ours.headers.getlist("Vary") == werkzeugs.headers.getlist("Vary")
