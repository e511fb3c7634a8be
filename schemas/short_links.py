"""Input of POST /api/short-links/generate (rest-content §10)."""
from pydantic import Field

from utils.validation import Schema

MAX_URL = 2048


class ShortLinkIn(Schema):
    # Optional here so that a missing url gets the contract's message.
    url: str = Field("", max_length=MAX_URL)
