"""The digest's e-mail through a real local SMTP server (aiosmtpd): multipart text and HTML, one
copy a recipient, and a refused recipient reported while the others get theirs."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from conftest import _free_port
from pipeline.apps.digest.deliver.email import send_digest
from pipeline.settings import SmtpSettings

REFUSED = "nobody@desk.example"


class Inbox:
    """Keeps what it receives; refuses one address at RCPT, as a real server refuses an unknown user."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's names)
        if address == REFUSED:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_each_recipient_gets_a_multipart_copy_and_a_refusal_is_reported(smtp_server):
    controller, inbox = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, security="none", sender="digest@newsroom.example")
    recipients = ["desk@newsroom.example", REFUSED, "night@newsroom.example"]
    deliveries = send_digest(settings, recipients, "Morning brief", "# Morning brief\n\ntext part", "<h1>Morning brief</h1>")
    assert [(d.recipient, d.ok) for d in deliveries] == [(r, r != REFUSED) for r in recipients]
    refused = next(d for d in deliveries if not d.ok)
    assert "550" in refused.reason and "no such user" in refused.reason
    assert [to for to, _ in inbox.messages] == [["desk@newsroom.example"], ["night@newsroom.example"]]
    _, message = inbox.messages[0]
    assert message.get_content_type() == "multipart/alternative" and message["Subject"] == "Morning brief"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert "text part" in parts["text/plain"] and "<h1>Morning brief</h1>" in parts["text/html"]


def test_an_unreachable_server_says_how_to_set_it(smtp_server):
    from pipeline.apps.digest.deliver.email import EmailError

    with pytest.raises(EmailError, match="NEWSBRIEF_SMTP__HOST"):
        send_digest(SmtpSettings(), ["desk@newsroom.example"], "s", "t", "<p>h</p>")
    with pytest.raises(EmailError, match="127.0.0.1"):
        send_digest(SmtpSettings(host="127.0.0.1", port=_free_port(), security="none", timeout_s=2),
                    ["desk@newsroom.example"], "s", "t", "<p>h</p>")


def test_digest_email_sends_the_digest_then_nothing_when_nothing_is_new(smtp_server, tmp_path, http_server,
                                                                         allow_loopback_fetch, monkeypatch):
    from typer.testing import CliRunner

    from digest_fixtures import load_items, write_feeds
    from pipeline.apps.cli import app

    controller, inbox = smtp_server
    for name, value in {"NEWSBRIEF_LIMITS__FEED_FULL_TEXT_CHARS": "80", "NEWSBRIEF_WORKERS": "1",
                        "NEWSBRIEF_SMTP__HOST": "127.0.0.1", "NEWSBRIEF_SMTP__PORT": str(controller.port),
                        "NEWSBRIEF_SMTP__SECURITY": "none"}.items():
        monkeypatch.setenv(name, value)
    feeds = write_feeds(tmp_path / "feeds", http_server, load_items(),
                        extra_feeds=f"email: {{to: [desk@newsroom.example, {REFUSED}]}}\n")
    first = CliRunner().invoke(app, ["digest", "--feeds", str(feeds), "--email"])
    assert first.exit_code == 1 and f"e-mail to {REFUSED}: failed: refused: 550" in first.stderr
    assert len(inbox.messages) == 1
    html = next(p for p in inbox.messages[0][1].iter_parts() if p.get_content_type() == "text/html").get_content()
    assert "<h2>Contents</h2>" in html and "Orvane" in html
    again = CliRunner().invoke(app, ["digest", "--feeds", str(feeds), "--email"])
    assert again.exit_code == 0 and "nothing new: no e-mail sent" in again.stderr and len(inbox.messages) == 1
