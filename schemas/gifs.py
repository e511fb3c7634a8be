"""Inputs of the GIF routes (rest-content §9)."""
import re

from pydantic import Field

from utils.validation import Schema

# Provider ids are short tokens (GIPHY: letters and digits; KLIPY/Tenor: digits).
GIF_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOCALE_RE = re.compile(r"^[a-z]{2}(_[A-Z]{2})?$")
MAX_QUERY = 100
DEFAULT_LIMIT, MAX_LIMIT = 20, 50


class RegisterShareIn(Schema):
    # Optional here so that a missing id gets the contract's message (routes/gifs.py).
    gif_id: str = Field("", max_length=64)
    query: str = Field("", max_length=MAX_QUERY)
