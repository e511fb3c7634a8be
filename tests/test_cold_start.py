"""Issue 12, behaviour unchanged: schemas are built on first use and still refuse
what they refused; the indexes are created at a development start only when the
database lacks exactly these; url_for builds the same URLs with its builders
compiled on first use (cold start)."""
import pytest
from flask import Flask, url_for
from pydantic import Field, field_validator
from pymongo import IndexModel
from werkzeug.routing import Rule

import models
from models.user import User
from tests.command_counting import Recording
from utils.errors import ValidationFailed
from utils.url_rules import LazyBuilderRule
from utils.validation import Schema, load


class Probe(Schema):
    name: str = Field(max_length=5)
    count: int = 0

    @field_validator("name")
    @classmethod
    def no_bang(cls, value):
        if "!" in value:
            raise ValueError("must not shout")
        return value


def test_a_schema_is_built_on_first_use_and_validates_as_before():
    assert Probe.__pydantic_complete__ is False  # nothing was built at import
    assert load(Probe, {"name": "abc", "count": 2.0}) == Probe(name="abc", count=2)
    assert Probe.__pydantic_complete__ is True
    for body, message in [({"name": {"$ne": None}}, "name has the wrong type"),
                          ({"name": "abcdef"}, "name String should have at most 5 characters"),
                          ({"name": "a!"}, "name must not shout"),
                          ({}, "name is required")]:
        with pytest.raises(ValidationFailed) as refused:
            load(Probe, body)
        assert message in refused.value.messages


def test_a_route_schema_refuses_an_operator_with_a_400(client):
    response = client.post("/api/auth/login-passwordless",
                           json={"identifier": {"$ne": None}, "totp_code": "123456"})
    assert response.status_code == 400
    assert "identifier has the wrong type" in response.get_json()["errors"]


def _index_commands(rec):
    return [name for name in rec.mongo if name == "createIndexes"]


def test_ensure_indexes_creates_them_once_then_reads_one_mark(app_ctx):
    models.get_db()[models.INDEX_MARK["collection"]].drop()
    User.collection().drop_indexes()
    assert models.ensure_indexes() is True
    names = {index["name"] for index in User.collection().list_indexes()}
    assert {"username_unique", "email_unique"} <= names
    with Recording() as rec:
        assert models.ensure_indexes() is False
    assert _index_commands(rec) == [] and rec.mongo == ["find"]


def test_ensure_indexes_creates_a_newly_declared_index(app_ctx, monkeypatch):
    models.ensure_indexes()
    monkeypatch.setattr(User, "indexes", User.indexes + [IndexModel("bio", name="bio_probe")])
    assert models.ensure_indexes() is True
    assert "bio_probe" in {index["name"] for index in User.collection().list_indexes()}


def test_ensure_indexes_recreates_them_in_a_dropped_database(app_ctx):
    models.ensure_indexes()
    app = app_ctx
    app.extensions["mongo_client"].drop_database(app.config["MONGO_DB_NAME"])
    assert models.ensure_indexes() is True
    assert "username_unique" in {index["name"] for index in User.collection().list_indexes()}


def _urls(rule_class):
    """The same routes and url_for calls under werkzeug's Rule or LazyBuilderRule."""
    app = Flask("url_probe")
    app.url_rule_class = rule_class
    app.config["SERVER_NAME"] = "parley.test"

    def view(**_):
        return ""

    app.add_url_rule("/t/<int:topic_id>/p/<path:rest>", "post", view)
    app.add_url_rule("/u/<name>", "user", view, defaults={"tab": "posts"})
    app.add_url_rule("/u/<name>/<tab>", "user", view)
    app.add_url_rule("/s/<key>", "sub", view, subdomain="<tenant>")
    with app.test_request_context():
        return [url_for("post", topic_id=7, rest="a b/ü"),
                url_for("post", topic_id=7, rest="x", page=2, q="a&b"),  # unknown: query string
                url_for("user", name="zoë"), url_for("user", name="zoë", tab="likes"),
                url_for("sub", key="k", tenant="acme"),
                url_for("post", topic_id=1, rest="r", _external=True, _anchor="c 1"),
                url_for("static", filename="app.js", v=3),
                url_for("post", topic_id=7, rest="a b/ü")]  # the compiled builder, reused


def test_url_for_builds_the_same_urls_with_builders_compiled_on_first_use(app):
    assert _urls(LazyBuilderRule) == _urls(Rule)
    with app.test_request_context():
        assert url_for("email.apply_unsubscribe", token="t.1") == "/api/email/unsubscribe/t.1"
    assert all(isinstance(rule, LazyBuilderRule) for rule in app.url_map.iter_rules()
               if rule.endpoint != "static")  # Flask adds its own before create_app can
