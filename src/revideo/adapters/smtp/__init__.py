"""Outgoing mail over SMTP: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://`."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from revideo.domain.errors import ConfigError, RevideoError


class MailError(RevideoError):
    """The mail server refused the message or could not be reached."""


class SmtpMailer:
    """The Mailer port over smtplib; one connection per message (mail is rare here)."""

    def __init__(self, url: str, *, sender: str, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("REVIDEO_SMTP_URL", "must look like smtp://user:pass@host:587")
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.secure else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        try:
            with self._connect() as server:
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"could not send mail to {to}: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.secure:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        return server
