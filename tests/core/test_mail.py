"""Mail goes out after commit: as .eml files without SMTP settings, through a real SMTP conversation with them."""
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from forum import mail
from forum.extensions import db


class Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler
    app.config.update(MAIL_SERVER=None)
    controller.stop()


def test_mail_is_delivered_over_smtp_after_commit(smtp_server):
    mail.queue_mail(db.session, mail.Mail(to="chan@ha.example", subject="Forum 論壇", text="Hello 你好",
                                          html="<p>Hello 你好</p>"))
    assert smtp_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    [message] = smtp_server.messages
    assert message["To"] == "chan@ha.example"
    assert "論壇" in str(message["Subject"]) or "=?utf-8?" in message["Subject"].lower()
    parts = [p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_maintype() == "text"]
    assert any("你好" in part for part in parts)


def test_rolled_back_changes_send_nothing(smtp_server):
    mail.queue_mail(db.session, mail.Mail(to="chan@ha.example", subject="x", text="y"))
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []


def test_a_savepoint_released_inside_a_transaction_sends_nothing_yet(smtp_server):
    """Services may try a step in a SAVEPOINT; releasing it commits nothing, so no mail may leave then."""
    nested = db.session.begin_nested()
    mail.queue_mail(db.session, mail.Mail(to="chan@ha.example", subject="x", text="y"))
    nested.commit()
    assert smtp_server.messages == []
    db.session.commit()
    assert [m["To"] for m in smtp_server.messages] == ["chan@ha.example"]


def test_without_smtp_mail_lands_in_the_outbox(outbox):
    mail.queue_mail(db.session, mail.Mail(to="wong@ha.example", subject="Badge", text="Bring it",
                                          attachments=[mail.Attachment("a.txt", b"hi", "text", "plain")]))
    db.session.commit()
    [message] = outbox()
    assert message["To"] == "wong@ha.example"
    assert [p.get_filename() for p in message.iter_attachments()] == ["a.txt"]


def test_smtp_failure_does_not_undo_the_commit(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nobody listens there
    try:
        mail.queue_mail(db.session, mail.Mail(to="x@ha.example", subject="x", text="y"))
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER=None)
    assert "mail delivery failed" in caplog.text
