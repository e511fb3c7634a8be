"""/api/email: the one-click unsubscribe link of every notification email.

No sign-in: the signed token in the path names the user and the list.
`GET` shows a confirmation page (mail scanners follow links; a GET changes
nothing); `POST` applies it, from that page's button or from the mail
client itself (RFC 8058: body `List-Unsubscribe=One-Click`).
"""
from flask import Blueprint, render_template, url_for

from services import email_prefs, unsubscribe
from utils.errors import ValidationFailed

bp = Blueprint("email", __name__, url_prefix="/api/email")

MAX_TOKEN_CHARS = 512


def _token(token):
    if len(token) > MAX_TOKEN_CHARS:
        raise ValidationFailed("This unsubscribe link is not valid")
    return token


@bp.get("/unsubscribe/<token>")
def confirm_unsubscribe(token):
    user, list_name = unsubscribe.check(_token(token))
    return _page(user, list_name, token, done=False)


@bp.post("/unsubscribe/<token>")
def apply_unsubscribe(token):
    user, list_name = unsubscribe.apply(_token(token))
    return _page(user, list_name, token, done=True)


def _page(user, list_name, token, done):
    language = email_prefs.language(user)
    return render_template(f"email/{language}/unsubscribe.html", user=user, list_name=list_name,
                           action=url_for("email.apply_unsubscribe", token=token),
                           done=done)
