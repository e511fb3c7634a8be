"""Issue 12, behaviour unchanged: schemas are built on first use and still refuse
what they refused; the indexes are created at a development start only when the
database lacks exactly these (cold start)."""
import pytest
from pydantic import Field, field_validator
from pymongo import IndexModel

import models
from models.user import User
from tests.command_counting import Recording
from utils.errors import ValidationFailed
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

