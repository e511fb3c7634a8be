"""/api/reports: users report content and users (rest-accounts §9)."""
from flask import Blueprint

from schemas.moderation import CreateReport
from services import reports
from utils.auth import current_user, login_required
from utils.responses import ok
from utils.validation import parse_body

bp = Blueprint("reports", __name__, url_prefix="/api/reports")


@bp.post("", strict_slashes=False)
@login_required
def create_report():
    report = reports.submit_report(current_user(), parse_body(CreateReport))
    return ok({"report_id": str(report["_id"])}, status=201,
              message="Report submitted successfully")
