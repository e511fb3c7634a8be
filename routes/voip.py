"""Voice-call REST: only the ICE server list (the calls themselves are Socket.IO)."""
from flask import Blueprint, current_app

from services.ice import ice_servers_for
from utils.auth import current_user, login_required
from utils.responses import ok

bp = Blueprint("voip", __name__, url_prefix="/api/voip")


@bp.get("/ice-servers")
@login_required
def ice_servers():
    return ok(ice_servers_for(str(current_user()["_id"]), current_app.config))
