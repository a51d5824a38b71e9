"""SmtpMailer against a tiny SMTP server on loopback."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator

import pytest

from revideo.adapters.smtp import MailError, SmtpMailer
from revideo.domain.errors import ConfigError

pytestmark = pytest.mark.integration


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server: Server = self.server  # type: ignore[assignment]
        self.reply("220 test ready")
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-test")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                server.auth.append(line)
                self.reply("235 ok" if server.accept else "535 bad credentials")
            elif verb in ("MAIL", "RCPT"):
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline().decode()) != ".\r\n":
                    body.append(data)
                server.messages.append("".join(body))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list[str] = []
        self.auth: list[str] = []
        self.accept = True


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_sends_a_plain_text_mail_with_login(server: Server) -> None:
    port = server.server_address[1]
    mailer = SmtpMailer(f"smtp://agent%40x.io:s3cret@127.0.0.1:{port}", sender="revideo <r@x.io>")
    mailer.send("bob@example.com", "Confirm your email", "Open https://app/auth/callback?t=1")
    (message,) = server.messages
    assert "Subject: Confirm your email" in message and "To: bob@example.com" in message
    assert "auth/callback?t=1" in message
    assert server.auth and server.auth[0].startswith("AUTH PLAIN")


def test_refusals_and_bad_urls_are_clear_errors(server: Server) -> None:
    server.accept = False
    port = server.server_address[1]
    with pytest.raises(MailError, match=re.escape("bob@example.com")):
        SmtpMailer(f"smtp://u:p@127.0.0.1:{port}", sender="r@x.io").send(
            "bob@example.com", "s", "b"
        )
    with pytest.raises(ConfigError) as exc:
        SmtpMailer("mail.example.com", sender="r@x.io")
    assert exc.value.setting == "REVIDEO_SMTP_URL"
