"""The ODM: one MongoClient per process, a base model, one module per collection.

`init_app(app)` creates the client and keeps it in `app.extensions`;
`get_db()` returns the database of the current app. Index creation is the
`flask create-indexes` command (see `create_indexes`).
"""
import hashlib
import importlib
import pkgutil
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from pymongo import MongoClient

from models.base import BaseModel


# Durable acknowledgement (issue 16): a write the client is told succeeded is in
# the journal of a majority of the replica set. `w` / `journal` given in
# MONGO_URI win over these defaults (a standalone server treats majority as 1).
WRITE_CONCERN_DEFAULTS = {"w": "majority", "journal": True}


def write_concern_options(uri):
    """The write-concern keyword arguments MONGO_URI does not set itself."""
    named = {key.lower() for key in parse_qs(urlsplit(uri).query)}
    return {key: value for key, value in WRITE_CONCERN_DEFAULTS.items() if key.lower() not in named}


def init_app(app):
    uri = app.config["MONGO_URI"]
    client = MongoClient(
        uri, tz_aware=True, connect=False,
        serverSelectionTimeoutMS=app.config.get("MONGO_TIMEOUT_MS", 5000),
        # A paused or unreachable server fails the request (503) instead of holding it.
        connectTimeoutMS=app.config.get("MONGO_CONNECT_TIMEOUT_MS", 2000),
        socketTimeoutMS=app.config.get("MONGO_SOCKET_TIMEOUT_MS", 10000),
        appname="parley", **write_concern_options(uri),
    )
    app.extensions["mongo_client"] = client
    app.extensions["mongo_db"] = client[app.config["MONGO_DB_NAME"]]
    app.cli.add_command(create_indexes_command)


def get_db():
    return current_app.extensions["mongo_db"]


def all_models():
    """Every model class, after importing every module of this package."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return BaseModel.registry()


# createIndexes commands in flight at once. On an empty database each one also
# creates its collection; one after the other, the 28 of them were most of a first
# start (0.4-0.9 s; side by side 0.2-0.5 s, issue 12). Bounded: every command in
# flight holds a pooled connection, which stays in the pool afterwards.
INDEX_WORKERS = 8


def create_indexes():
    """Create every index the models declare; returns how many were declared."""
    jobs = [(model.collection(), model.indexes) for model in all_models() if model.indexes]
    with ThreadPoolExecutor(max_workers=INDEX_WORKERS) as pool:  # green threads when patched
        list(pool.map(lambda job: job[0].create_indexes(job[1]), jobs))
    return sum(len(indexes) for _, indexes in jobs)


# The fingerprint of the declared indexes that `ensure_indexes` last created, kept
# in the database it describes (dropping the database drops it too).
INDEX_MARK = {"collection": "parley_meta", "_id": "indexes"}


def index_fingerprint():
    """A digest of every index the models declare (collection, keys and options)."""
    specs = sorted(repr((model.collection_name, sorted(index.document.items())))
                   for model in all_models() for index in model.indexes)
    return hashlib.sha256("\n".join(specs).encode()).hexdigest()


def ensure_indexes():
    """Create the declared indexes unless the database says it already has exactly
    these (one read instead of one command per collection): `serve.py` in
    development does this at every start (issue 12, cold start). Returns True when
    it created them. `flask create-indexes` always creates them."""
    marks = get_db()[INDEX_MARK["collection"]]
    fingerprint = index_fingerprint()
    if marks.find_one({"_id": INDEX_MARK["_id"], "fingerprint": fingerprint}, {"_id": 1}):
        return False
    create_indexes()
    marks.replace_one({"_id": INDEX_MARK["_id"]}, {"fingerprint": fingerprint}, upsert=True)
    return True


@click.command("create-indexes")
@with_appcontext
def create_indexes_command():
    """Create the MongoDB indexes every model declares."""
    click.echo(f"{create_indexes()} indexes ensured")
