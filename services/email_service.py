"""Outgoing email with three backends: console (development), smtp, sendgrid.

`send_email(to, subject, text)` is the entry point for one-off messages (codes);
`deliver(...)` also takes an HTML part and extra headers and lets a transport
failure through, for the queued notification emails that retry on their own.
The console backend logs the message and keeps the last messages in memory
(`outbox()`), which tests read to follow the emailed-code flows.
"""
import logging
import smtplib
from collections import deque
from email.message import EmailMessage

from flask import current_app

from utils.errors import AppError

log = logging.getLogger(__name__)


class EmailFailed(AppError):
    status, code, default_message = 400, "email_failed", "Failed to send email. Please try again."


class ConsoleBackend:
    def __init__(self, app):
        self.sent = deque(maxlen=200)

    def send(self, to, subject, text, sender, html=None, headers=None):
        self.sent.append({"to": to, "subject": subject, "text": text, "from": sender,
                          "html": html, "headers": dict(headers or {})})
        log.info("email (console backend) to=%s subject=%s\n%s", to, subject, text)


class SmtpBackend:
    def __init__(self, app):
        self.config = app.config

    def send(self, to, subject, text, sender, html=None, headers=None):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        cfg = self.config
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:
            if cfg["SMTP_USE_TLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
            smtp.send_message(message)


class SendgridBackend:
    def __init__(self, app):
        from sendgrid import SendGridAPIClient

        self.client = SendGridAPIClient(api_key=app.config["SENDGRID_API_KEY"],
                                        host=app.config["SENDGRID_API_URL"])

    def send(self, to, subject, text, sender, html=None, headers=None):
        from sendgrid.helpers.mail import Header, Mail

        mail = Mail(from_email=sender, to_emails=to, subject=subject, plain_text_content=text,
                    html_content=html)
        for name, value in (headers or {}).items():
            mail.add_header(Header(name, value))
        response = self.client.send(mail)
        if response.status_code >= 300:
            raise RuntimeError(f"SendGrid answered {response.status_code}")


BACKENDS = {"console": ConsoleBackend, "smtp": SmtpBackend, "sendgrid": SendgridBackend}


def init_app(app):
    name = app.config["EMAIL_BACKEND"]
    if name not in BACKENDS:
        raise RuntimeError(f"EMAIL_BACKEND must be one of {', '.join(BACKENDS)}")
    app.extensions["email_backend"] = BACKENDS[name](app)


def deliver(to, subject, text, html=None, headers=None):
    """Send now; a transport failure is raised as it is (the caller retries)."""
    current_app.extensions["email_backend"].send(
        to, subject, text, current_app.config["MAIL_FROM"], html=html, headers=headers)


def send_email(to, subject, text):
    backend = current_app.extensions["email_backend"]
    try:
        deliver(to, subject, text)
    except Exception:  # noqa: BLE001 - any transport failure is one clear client error
        log.exception("sending email failed (backend %s)", type(backend).__name__)
        raise EmailFailed("Failed to send verification email. Please try again.") from None


def outbox():
    """Messages kept by the console backend, newest last."""
    backend = current_app.extensions["email_backend"]
    return list(getattr(backend, "sent", []))


def send_code(to, purpose_text, code):
    send_email(
        to,
        f"Parley: your {purpose_text} code",
        f"Your {purpose_text} code is {code}. It expires in 15 minutes.\n"
        "If you did not ask for it, ignore this message.",
    )
