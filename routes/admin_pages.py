"""/admin: the server-rendered dashboard for signed-in admins.

An anonymous visitor gets a sign-in page, a member a 403 page; errors on these
pages render as pages (never a traceback or a JSON envelope).
"""
import logging

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from services import stats
from utils.auth import session_user
from utils.errors import AppError
from utils.svg_chart import line_chart

log = logging.getLogger(__name__)
bp = Blueprint("admin_pages", __name__, url_prefix="/admin")


@bp.get("", strict_slashes=False)
def dashboard():
    user = session_user()
    if user is None:
        return render_template("admin/signin.html"), 401
    if not user.get("is_admin"):
        return error_page(403, "Admin privileges required")
    data = stats.dashboard_data()
    charts = {name: line_chart(points) for name, points in data["stats"]["series"].items()}
    return render_template("admin/dashboard.html", admin=user, data=data, charts=charts)


def error_page(status, message):
    return render_template("admin/error.html", status=status, message=message), status


@bp.errorhandler(AppError)
def app_error(error):
    return error_page(error.status, error.message)


@bp.errorhandler(HTTPException)
def http_error(error):
    return error_page(error.code, error.description or error.name)


@bp.errorhandler(Exception)
def unexpected_error(error):
    log.exception("admin page failed")
    return error_page(500, "Something went wrong. It has been logged.")
