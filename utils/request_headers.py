"""An HTTP request's header block, parsed for gevent's pywsgi without the email package.

pywsgi reads request headers with `http.client.parse_headers`, which hands them to
the email package's parser: 22 µs for the bench's three headers and 46 µs for the
fifteen a browser sends (`timeit`), against about half a millisecond for a whole
cached read. `parse` reads the lines with the same limits and builds the same
message (pywsgi's `OldMessage`, filled with `set_raw` as the email parser fills
it) when every line is a plain `Name: value` line ending in CRLF. Any other
block (folded lines, a bare CR or LF, a name the email parser would not take as
one) goes to the email parser, so what pywsgi sees is the same in every case
(tests/test_request_headers.py compares the two on generated blocks).
"""
import email.parser
import re
from http import client

from gevent.pywsgi import OldMessage

# http.client's limits: a longer line, or more lines, is refused there too.
MAX_LINE_BYTES = 65536
MAX_HEADERS = 100

# Lines the email parser reads as headers (its `headerRE`), minus the forms this
# parser leaves to it: each a name of printable ASCII but colon (no space, no
# empty name), a colon, a value without CR or LF (it ends lines at either), then
# CRLF; the block ends with an empty line.
_PLAIN_BLOCK = re.compile(r"(?:[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r\n)*\r\n")


def parse(fp):
    """The header block read from `fp` (after the request line), as pywsgi's
    `MessageClass(fp, 0)` returns it: `status` says 'Line too long' for a line
    over the limit, as pywsgi's own factory does."""
    try:
        lines = _read_lines(fp)
    except client.LineTooLong:
        message = OldMessage()
        message.status = "Line too long"
        return message
    text = b"".join(lines).decode("iso-8859-1")
    if _PLAIN_BLOCK.fullmatch(text) is None:
        return email.parser.Parser(_class=OldMessage).parsestr(text)
    message = OldMessage()
    for line in text.split("\r\n")[:-2]:  # the block ends "\r\n\r\n"
        name, _, value = line.partition(":")
        message.set_raw(name, value.lstrip(" \t"))
    return message


def _read_lines(fp):
    lines = []
    while True:
        line = fp.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            return lines
