"""/api/tickets: a user's support tickets (rest-accounts §8)."""
from flask import Blueprint

from schemas.moderation import CreateTicket, TicketMessage
from services import tickets
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import paging, parse_body

bp = Blueprint("tickets", __name__, url_prefix="/api/tickets")


@bp.post("", strict_slashes=False)
@login_required
def create_ticket():
    body = parse_body(CreateTicket)
    ticket = tickets.create_ticket(current_user(), body.subject, body.description,
                                   body.category, body.priority)
    return ok(tickets.to_public(ticket), status=201,
              message="Support ticket created successfully")


@bp.get("/my-tickets", strict_slashes=False)
@bp.get("/my", strict_slashes=False)
@login_required
def my_tickets():
    limit, offset = paging(default_limit=20, max_limit=50)
    docs = tickets.my_tickets(current_user(), limit, offset)
    return ok([tickets.to_public(t) for t in docs], pagination={
        "limit": limit, "offset": offset, "total": len(docs), "has_more": len(docs) == limit})


@bp.get("/categories", strict_slashes=False)
@login_required
def categories():
    return ok(tickets.CATEGORY_LABELS)


@bp.get("/<ticket_id>", strict_slashes=False)
@login_required
def get_ticket(ticket_id):
    return ok(tickets.to_public(tickets.get_ticket(current_user(), ticket_id)))


@bp.put("/<ticket_id>", strict_slashes=False)
@login_required
def add_message(ticket_id):
    body = parse_body(TicketMessage)
    ticket = tickets.add_user_message(current_user(), ticket_id, body.message)
    return ok(tickets.to_public(ticket), message="Message added successfully")


@bp.delete("/<ticket_id>", strict_slashes=False)
@login_required
def delete_ticket(ticket_id):
    tickets.delete_ticket(current_user(), ticket_id)
    return done("Ticket deleted successfully")
