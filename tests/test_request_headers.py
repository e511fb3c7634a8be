"""Request headers parsed without the email package (utils/request_headers.py) give
pywsgi the message its own factory gives, for every header block: generated
blocks (plain, folded, with the characters that end a line for the email parser,
malformed) and the limits."""
import io
from http import client

import pytest
from gevent.pywsgi import headers_factory
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import request_headers

BROWSER = (
    b"Host: 127.0.0.1:5000\r\nConnection: keep-alive\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36\r\n"
    b"Accept: application/json, text/plain, */*\r\nsec-ch-ua-mobile: ?0\r\n"
    b"Referer: http://127.0.0.1:5000/topics\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Accept-Language: en-US,en;q=0.9\r\nCookie: session=abc; parley_device=x.y.z\r\n\r\n")


def as_pywsgi_sees_it(message):
    """What pywsgi reads of a header message: its status, its header lines (the
    WSGI environ is built from them) and what `get` answers for each name."""
    names = {line.split(":", 1)[0] for line in message.headers}
    return (message.status, list(message.headers),
            {name.lower(): message.get(name) for name in names},
            message.get("content-length"), message.get("transfer-encoding"))


def both(block):
    """(ours, pywsgi's) for the same bytes, each read from its own stream; what
    each leaves unread in its stream too (the request body starts there)."""
    ours, theirs = io.BytesIO(block), io.BytesIO(block)
    return ((as_pywsgi_sees_it(request_headers.parse(ours)), ours.read()),
            (as_pywsgi_sees_it(headers_factory(theirs)), theirs.read()))


def test_a_browsers_headers_are_read_as_pywsgi_reads_them():
    ours, theirs = both(BROWSER + b"body")
    assert ours == theirs
    assert ours[0][2]["cookie"] == "session=abc; parley_device=x.y.z"
    assert ours[1] == b"body"


@pytest.mark.parametrize("block", [
    b"\r\n",                                           # no headers
    b"X-Folded: one\r\n two\r\nHost: h\r\n\r\n",       # obsolete line folding
    b"X-Bare-LF: one\nHost: h\r\n\r\n",                # a line ended by LF alone
    b"X-Cr: one\rtwo\r\nHost: h\r\n\r\n",              # a CR inside a value
    b"X-Ff: one\x0ctwo\r\nHost: h\r\n\r\n",            # str.splitlines would end a line here
    b"X-Nel: one\x85two\r\nHost: h\r\n\r\n",           # and here (the email parser does not)
    b"Bad Name: x\r\nHost: h\r\n\r\n",                 # a space in the name: body starts
    b": no name\r\nHost: h\r\n\r\n",
    b"From someone\r\nHost: h\r\n\r\n",
    b"Host: h\r\nHost: again\r\ncontent-length: 3\r\nContent-Length: 4\r\n\r\n",
    b"Host:\t \tpadded \t\r\n\r\n",                      # whitespace kept after the value
    b"Host: h\r\n",                                    # the connection ends in the headers
    b"Host: h\r\n\n",
    b"X-Latin: caf\xe9\r\n\r\n",
])
def test_unusual_blocks_are_read_as_pywsgi_reads_them(block):
    ours, theirs = both(block + b"rest")
    assert ours == theirs


_NAME = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), min_size=0, max_size=6)
_VALUE = st.text(st.characters(min_codepoint=0, max_codepoint=0xff), max_size=12)
_END = st.sampled_from(["\r\n", "\r\n", "\r\n", "\n", "\r"])
_LINE = st.tuples(_NAME, st.sampled_from([":", ": ", ":\t", " : ", ""]), _VALUE, _END).map("".join)
_CONTINUATION = st.tuples(st.sampled_from([" ", "\t"]), _VALUE, _END).map("".join)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.one_of(_LINE, _LINE, _LINE, _CONTINUATION), max_size=8),
       st.sampled_from(["\r\n", "\n", ""]))
def test_generated_blocks_are_read_as_pywsgi_reads_them(lines, end):
    block = ("".join(lines) + end).encode("iso-8859-1")
    ours, theirs = both(block + b"rest")
    assert ours == theirs


def test_a_line_over_the_limit_is_refused_as_pywsgi_refuses_it():
    block = b"X-Long: " + b"a" * request_headers.MAX_LINE_BYTES + b"\r\n\r\n"
    assert request_headers.parse(io.BytesIO(block)).status == "Line too long"
    assert headers_factory(io.BytesIO(block)).status == "Line too long"


def test_too_many_headers_are_refused_as_pywsgi_refuses_them():
    block = b"".join(b"X-%d: v\r\n" % n for n in range(request_headers.MAX_HEADERS + 1))
    with pytest.raises(client.HTTPException, match="got more than 100 headers"):
        request_headers.parse(io.BytesIO(block + b"\r\n"))
    with pytest.raises(client.HTTPException, match="got more than 100 headers"):
        headers_factory(io.BytesIO(block + b"\r\n"))
