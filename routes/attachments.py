"""/api/attachments: files sent inside messages, served only to people who may
read the message they belong to (not to anyone holding a URL, §14.8)."""
from flask import Blueprint, Response

from services import attachments
from utils.auth import current_user, login_required
from utils.responses import ok

bp = Blueprint("attachments", __name__, url_prefix="/api/attachments")


@bp.get("/<file_id>")
@login_required
def download(file_id):
    doc, chunks = attachments.readable_file(file_id, current_user())
    response = Response(chunks, mimetype=doc["mime_type"])
    response.headers["Content-Length"] = str(doc["size"])
    inline = doc["kind"] == "image"
    response.headers["Content-Disposition"] = attachments.disposition(doc, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<file_id>/info")
@login_required
def info(file_id):
    return ok(attachments.file_info(file_id, current_user()))
