"""E-mailing a digest: one multipart message (text and HTML) a recipient, over SMTP.

The server, port, security (STARTTLS, TLS or none) and login are settings (``NEWSBRIEF_SMTP__*``);
the password comes from the environment only (``NEWSBRIEF_SMTP_PASSWORD``). Each recipient is
sent their own copy, so a refused address is reported and the others still get theirs.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pipeline.apps.digest.deliver import Delivery
from pipeline.errors import NewsbriefError
from pipeline.settings import SmtpSettings

PASSWORD_VARIABLE = "NEWSBRIEF_SMTP_PASSWORD"


class EmailError(NewsbriefError):
    """The SMTP server could not be reached or refused the login: nothing was sent."""


def digest_message(subject: str, sender: str, recipient: str, text: str, html: str) -> EmailMessage:
    """multipart/alternative: the Markdown as the text part, the HTML as the preferred part."""
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, recipient
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="newsbrief")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if not settings.host:
        raise EmailError("no SMTP server set: set NEWSBRIEF_SMTP__HOST (and __PORT, __SECURITY, __USER; the "
                         f"password in {PASSWORD_VARIABLE})")
    try:
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_s,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        _login(smtp, settings)
    except (OSError, smtplib.SMTPException) as exc:
        raise EmailError(f"SMTP server {settings.host}:{settings.port} ({settings.security}): {exc}") from None
    return smtp


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    password = os.environ.get(PASSWORD_VARIABLE)
    if settings.user and not password:
        raise EmailError(f"NEWSBRIEF_SMTP__USER is set but {PASSWORD_VARIABLE} is not: set the password in the environment")
    if settings.user:
        smtp.login(settings.user, password)


def send_digest(settings: SmtpSettings, recipients: list[str], subject: str, text: str, html: str) -> list[Delivery]:
    """Send each recipient their copy; one Delivery each. Raises EmailError when the server
    cannot be reached at all."""
    deliveries = []
    smtp = _connect(settings)
    try:
        for recipient in recipients:
            message = digest_message(subject, settings.sender, recipient, text, html)
            try:
                smtp.send_message(message, to_addrs=[recipient])
                deliveries.append(Delivery(recipient, True))
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = exc.recipients.get(recipient, (None, b"refused"))
                deliveries.append(Delivery(recipient, False, f"refused: {code} {_text(reason)}"))
            except smtplib.SMTPResponseException as exc:
                deliveries.append(Delivery(recipient, False, f"{exc.smtp_code} {_text(exc.smtp_error)}"))
                smtp.rset()
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            smtp.close()
    return deliveries


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def email_digest(digest, config, settings) -> list[Delivery]:
    """E-mail a stored digest to the recipients of its feeds.yaml. Nothing goes when it has
    nothing new: a run that finds nothing new must not send the same stories again."""
    from pipeline.apps.digest.render import to_html, to_markdown

    if config.email is None:
        raise EmailError(f"digest {config.name!r} has no 'email: {{to: [...]}}' in its feeds.yaml")
    if digest.nothing_new:
        return []
    subject = config.email.subject or f"{digest.name}: {len(digest.moved())} stories · {(digest.created or '')[:10]}"
    return send_digest(settings.smtp, config.email.to, subject, to_markdown(digest), to_html(digest))
