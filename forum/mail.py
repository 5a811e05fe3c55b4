"""The one mail service.

Services call queue_mail(); the message leaves only after the surrounding
database commit succeeds (a rolled-back change never mails anyone). After the
commit each message becomes a job (forum/jobs, task deliver_mail) that the
worker delivers, retrying with backoff while the mail server is away. With no
MAIL_SERVER the message is written as an .eml file under <instance>/outbox/.
"""
from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # extra headers, e.g. List-Unsubscribe
    # Who wants to hear whether it left: (kind, id) for a handler registered with on_delivery().
    receipt: tuple[str, int] | None = None


def on_delivery(app, kind: str, handler) -> None:
    """Register handler(id, status) for mails queued with receipt=(kind, id); status is "sent", or
    "failed" once every retry is spent. It runs in the worker, which commits after it."""
    app.extensions.setdefault("mail_receipts", {})[kind] = handler


def note_delivery(app, mail: Mail, status: str) -> None:
    receipt = getattr(mail, "receipt", None)  # getattr: a Mail pickled before this field existed
    handler = app.extensions.get("mail_receipts", {}).get(receipt[0]) if receipt else None
    if handler is not None:
        handler(receipt[1], status)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mail and QR codes, always built from BASE_URL.

    Never from the request: its Host header is whatever the client sent, and a reset link
    pointing at an attacker's host would hand them the token.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


BOTH = ("en", "zh_Hant_HK")
PART_BREAK = "\n\n----------------------------------------\n\n"


def join_parts(locales, texts: list[str], htmls: list[str]) -> tuple[str, str]:
    """One message from its parts, one per language in the order given."""
    html = render_template("mail/_bilingual.html", parts=list(zip(locales, htmls)))
    return PART_BREAK.join(texts) + "\n", html


def render_bilingual(template: str, locales=BOTH, **context) -> tuple[str, str]:
    """Render templates/mail/<template>.txt and .html once per language given (both, English first, by
    default; which languages a person gets is communications.templates.locales_for())."""
    texts, htmls = [], []
    for locale in locales:
        with force_locale(locale):
            texts.append(render_template(f"mail/{template}.txt", locale=locale, **context).strip())
            htmls.append(render_template(f"mail/{template}.html", locale=locale, **context))
    return join_parts(locales, texts, htmls)


def queue_mail(session: Session, mail: Mail) -> None:
    # Tie the mail to a transaction, so that a rollback (even of a change with no SQL yet) drops it.
    session.connection()
    session.info.setdefault("outbox", []).append(mail)


def queue_template(session: Session, to: str, subject: str, template: str,
                   attachments: list[Attachment] | None = None, locales=BOTH, **context) -> Mail:
    text, html = render_bilingual(template, locales, **context)
    mail = Mail(to=to, subject=subject, text=text, html=html, attachments=list(attachments or []))
    queue_mail(session, mail)
    return mail


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="forum.hkstp.example")
    # getattr: a Mail pickled into the job queue before this field existed has no headers.
    for name, value in (getattr(mail, "headers", None) or {}).items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        message.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype,
                               filename=item.filename)
    return message


def deliver(app, mails: list[Mail]) -> None:
    config = app.config
    messages = [build_message(m, config["MAIL_SENDER"]) for m in mails]
    if not config.get("MAIL_SERVER"):
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        for message in messages:
            (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for message in messages:
            smtp.send_message(message)


def _send_after_commit(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released inside a transaction: nothing is committed yet
    mails = session.info.pop("outbox", None)
    if not mails:
        return
    app = current_app._get_current_object()
    jobs = app.extensions["jobs"]
    for index, mail in enumerate(mails):
        try:
            jobs.enqueue("deliver_mail", mail)
        except Exception:
            # The queue itself is away (Redis down): try the mail server now rather than drop the mail.
            app.logger.exception("mail could not be queued; delivering %d message(s) now", len(mails) - index)
            try:
                deliver(app, mails[index:])
            except (OSError, smtplib.SMTPException):
                # The change is committed; a mail server hiccup must not turn it into an error page.
                app.logger.exception("mail delivery failed for %d message(s)", len(mails) - index)
            return


def _drop_on_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction, not a SAVEPOINT inside it
        session.info.pop("outbox", None)


def init_mail(app) -> None:
    # Session-class listeners are process-wide: register them once, however many apps exist.
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _drop_on_rollback)


def outbox_files(app) -> list[Path]:
    return sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"), key=lambda p: p.stat().st_mtime)
