"""Share links (rest-content §10): a short random code for a URL of this deployment.

`url_digest` (SHA-256 of the URL) is unique so the same URL always gets the
same code, without indexing URLs of any length; `code` is unique too.
"""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class ShortLink(BaseModel):
    collection_name = "short_links"
    not_found_message = "Link not found"
    fields = {
        "code": Field(),
        "url": Field(),
        "url_digest": Field(),
        "created_by": Field(None),
        "clicks": Field(0),
        "last_accessed": Field(None),
    }
    indexes = [
        IndexModel([("code", ASCENDING)], unique=True, name="code_unique"),
        IndexModel([("url_digest", ASCENDING)], unique=True, name="url_digest_unique"),
    ]
