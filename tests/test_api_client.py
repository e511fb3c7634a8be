"""A Python client generated from /api/openapi.json (openapi-python-client)
drives one flow against a real server: sign in with a password and a TOTP
code, create a topic, post, comment, read the comment tree.

If the description and the server disagree (a renamed field, an undocumented
status, a request model that is not the one validated), the generated client
fails to build its request or to parse the answer."""
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
import requests

from tests import factories
from tests.live_server import start_server
from utils import crypto

pytestmark = pytest.mark.e2e

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PASSWORD = "correct horse battery staple"


def generate_client(spec_url, folder):
    """Generate the client package `parley_client` in `folder` and import it."""
    spec_path = folder / "openapi.json"
    spec_path.write_text(json.dumps(requests.get(spec_url, timeout=30).json()))
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(spec_path),
         "--output-path", str(folder / "parley_client"), "--meta", "none"],
        capture_output=True, text=True, timeout=300,
        env={"PATH": str(Path(sys.executable).parent)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout, result.stdout  # every operation generated
    sys.path.insert(0, str(folder))
    return importlib.import_module("parley_client")


def forget_client(folder):
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name.split(".")[0] == "parley_client"]:
        del sys.modules[name]


def api(package, tag, name):
    return importlib.import_module(f"{package.__name__}.api.{tag}.{name}")


def model(package, name):
    return getattr(importlib.import_module(f"{package.__name__}.models"), name)


@pytest.fixture
def seeded(live_db):
    user = live_db.seed(lambda: factories.create_user(
        password_hash=crypto.hash_password(PASSWORD)))
    return live_db.name, user


def test_generated_client_signs_in_posts_and_reads_the_comment_tree(
        service_urls, seeded, tmp_path):
    db_name, user = seeded
    server = start_server(service_urls, db_name)
    try:
        client_package = generate_client(server.url + "/api/openapi.json", tmp_path)
        with client_package.Client(base_url=server.url, raise_on_unexpected_status=True) as client:
            signed_in = api(client_package, "accounts", "auth_login_with_password_post").sync(
                client=client, body=model(client_package, "LoginWithPassword")(
                    username=user["username"], password=PASSWORD,
                    totp_code=pyotp.TOTP(user["totp_secret"]).now()))
            assert signed_in.success and signed_in.user.username == user["username"]

            topic = api(client_package, "topics", "topics_create_topic_post").sync(
                client=client, body=model(client_package, "CreateTopic")(
                    title="Generated clients", description="made from the description")).data
            post = api(client_package, "posts", "posts_create_post_post").sync(
                topic_id=topic.id, client=client, body=model(client_package, "CreatePost")(
                    title="It works", content="A post sent by the generated client")).data
            comment = api(client_package, "comments", "comments_create_comment_post").sync(
                post_id=post.id, client=client,
                body=model(client_package, "CreateComment")(content="First!")).data
            api(client_package, "comments", "comments_reply_post").sync(
                comment_id=comment.id, client=client,
                body=model(client_package, "CreateComment")(content="Second."))

            tree = api(client_package, "comments", "comments_comment_tree_get").sync(
                post_id=post.id, client=client).data
            assert [node.content for node in tree] == ["First!"]
            assert [node.content for node in tree[0].replies] == ["Second."]
            assert tree[0].replies[0].parent_comment_id == comment.id
    finally:
        server.stop()
        if str(tmp_path) in sys.path:
            forget_client(tmp_path)
