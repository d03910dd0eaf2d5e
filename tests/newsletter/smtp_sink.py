"""A real SMTP server on loopback (aiosmtpd) whose answers each test scripts.

`answers_rcpt` and `answers_data` map an address to a list of replies used one per attempt, then 250;
`on_data` runs for each message before the server answers (the kill test uses it to kill the sender).
Only accepted messages are kept.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.net import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class Handler:
    answers_rcpt: dict[str, list[str]] = field(default_factory=dict)
    answers_data: dict[str, list[str]] = field(default_factory=dict)
    on_data: Callable[[Received], str | None] | None = None
    messages: list[Received] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts[address] = self.attempts.get(address, 0) + 1
            scripted = self.answers_rcpt.get(address)
            if scripted:
                return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        with self.lock:
            for address in envelope.rcpt_tos:
                scripted = self.answers_data.get(address)
                if scripted:
                    return scripted.pop(0)
        if self.on_data is not None:
            answer = self.on_data(received)
            if answer:
                return answer
        with self.lock:
            self.messages.append(received)
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]


class SMTPSink:
    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler or Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages
