"""Outgoing mail. Errors: RevideoError subclasses only (never raw smtplib errors)."""

from __future__ import annotations

from typing import Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...
