"""A real SMTP server for tests: aiosmtpd on a free loopback port, keeping every mail it accepts.

Tests that send mail (the mail adapter, account letters, recovery, unknown-device notices, the
end-to-end scenario's server process) use this one server instead of a fake mailer.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Collector:
    """An aiosmtpd handler that keeps what it receives and refuses recipients at refused.example."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        """Every mail received so far, parsed."""
        parsed = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed

    def received(self) -> EmailMessage:
        """The one mail received (a test that expects exactly one)."""
        (message,) = self.messages()
        return message


@dataclass
class SmtpServer:
    port: int
    collector: Collector


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(**smtp_options: Any) -> Iterator[SmtpServer]:
    """Run a server for as long as the generator is open (a fixture does ``yield from serve()``)."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield SmtpServer(controller.port, collector)
    finally:
        controller.stop()
