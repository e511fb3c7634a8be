"""The ODM: one MongoClient per process, a base model, one module per collection.

`init_app(app)` creates the client and keeps it in `app.extensions`;
`get_db()` returns the database of the current app. Index creation is the
`flask create-indexes` command (see `create_indexes`).
"""
import importlib
import pkgutil

import click
from flask import current_app
from flask.cli import with_appcontext
from pymongo import MongoClient

from models.base import BaseModel


def init_app(app):
    client = MongoClient(
        app.config["MONGO_URI"], tz_aware=True, connect=False,
        serverSelectionTimeoutMS=app.config.get("MONGO_TIMEOUT_MS", 5000),
        appname="parley",
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


def create_indexes():
    """Create every index the models declare; returns how many were declared."""
    count = 0
    for model in all_models():
        if model.indexes:
            model.collection().create_indexes(model.indexes)
            count += len(model.indexes)
    return count


@click.command("create-indexes")
@with_appcontext
def create_indexes_command():
    """Create the MongoDB indexes every model declares."""
    click.echo(f"{create_indexes()} indexes ensured")
