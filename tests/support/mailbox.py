"""A real SMTP server on loopback (aiosmtpd) for the reminder tests."""

from __future__ import annotations

import email
import socket
from email import policy

from aiosmtpd.controller import Controller


class Mailbox:
    """An SMTP server on loopback that keeps what it accepts; ``refuse`` holds recipients
    it answers with a permanent error (a channel that refuses)."""

    def __init__(self):
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, msg))
        return "250 OK"

    def url(self, to: str) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=jm@example.cn&to={to}"

    def take(self) -> list[tuple[str, str, str]]:
        """(recipient, subject, plain body) of what arrived since the last call."""
        got = [(r, str(m["subject"]), m.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()) for r, m in self.messages]
        self.messages.clear()
        return got
