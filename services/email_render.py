"""Notification emails as text + HTML parts from Jinja templates, in the
recipient's language (templates/email/<language>/), with the RFC 8058
one-click unsubscribe headers and a Message-ID fixed by the batch id.

Flask's Jinja environment escapes `.html` templates and leaves `.txt` alone,
so user text is plain in the text part and escaped in the HTML part.
"""
from dataclasses import dataclass, field
from email.utils import parseaddr

from flask import current_app, render_template

from services import email_prefs, unsubscribe

PREVIEW_LINES = 3
PREVIEW_CHARS = 300


@dataclass
class Email:
    to: str
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)


def strings(language):
    """The language's phrases outside the templates' bodies (subjects, labels)."""
    return current_app.jinja_env.get_template(f"email/{language}/strings.j2").module


def first_lines(text):
    lines = [line for line in (text or "").splitlines() if line.strip()][:PREVIEW_LINES]
    joined = "\n".join(lines)
    return joined if len(joined) <= PREVIEW_CHARS else joined[:PREVIEW_CHARS - 1] + "…"


def _message_id(batch_id):
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "parley"
    return f"<{batch_id}@{domain}>"


def render(user, list_name, template, batch_id, subject, **context):
    """One email to `user` from `email/<lang>/<template>.{txt,html}`."""
    language = email_prefs.language(user)
    unsubscribe_url = unsubscribe.link(unsubscribe.make_token(user["_id"], list_name))
    context.update(user=user, frontend_url=current_app.config["FRONTEND_URL"],
                   unsubscribe_url=unsubscribe_url, labels=strings(language).labels)
    return Email(
        to=user["email"], subject=subject,
        text=render_template(f"email/{language}/{template}.txt", **context),
        html=render_template(f"email/{language}/{template}.html", **context),
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Message-ID": _message_id(batch_id)})


def missed_messages(user, items, total, batch_id):
    """`items`: dicts with `kind`, `sender`, `title`, `preview` (the newest of `total`)."""
    subject = strings(email_prefs.language(user)).missed_subject(total)
    return render(user, "missed", "missed", batch_id, subject, items=items)
