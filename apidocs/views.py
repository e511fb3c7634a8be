"""GET /api/openapi.json, /api/asyncapi.json and the /api/docs page.

The documents are built once per app (the url_map does not change after
start-up) and kept in `app.extensions`. Swagger UI is vendored in
apidocs/static/swagger-ui (swagger-ui-dist 5.35.0, Apache-2.0): no CDN.
"""
from flask import Blueprint, current_app, jsonify, render_template

from apidocs.asyncapi import build_asyncapi
from apidocs.openapi import build_spec

bp = Blueprint("apidocs", __name__, url_prefix="/api", template_folder="templates",
               static_folder="static", static_url_path="/docs/static")


def _cached(key, build):
    documents = current_app.extensions.setdefault("apidocs", {})
    if key not in documents:
        documents[key] = build(current_app)
    return documents[key]


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 description of every /api route."""
    return jsonify(_cached("openapi", build_spec))


@bp.get("/asyncapi.json")
def asyncapi_json():
    """The AsyncAPI 3.0 description of the Socket.IO events."""
    return jsonify(_cached("asyncapi", build_asyncapi))


@bp.get("/docs")
def docs_page():
    """The API reference (Swagger UI)."""
    return render_template("apidocs/docs.html")
