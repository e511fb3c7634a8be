"""The content filter is configurable: here links are allowed and the word list is custom."""
import pytest

from tests.content_helpers import make_comment, make_post, make_topic


@pytest.fixture
def config_overrides():
    return {"CONTENT_FILTER_LINKS": False, "CONTENT_FILTER_WORDS": ["darn"]}


def test_configured_filter_applies_to_posts_and_comments(auth):
    _user, client = auth.signed_in()
    topic = make_topic(client)
    post = make_post(client, topic["id"], content="see https://example.org darn it, shit")
    assert post["content"] == "see https://example.org **** it, shit"
    comment = make_comment(client, post["id"], "Darn https://x.example")
    assert comment["content"] == "**** https://x.example"

