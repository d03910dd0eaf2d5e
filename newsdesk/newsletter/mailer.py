"""Django's SMTP backend, with a hook just before the message's final dot.

Why: a digest must go out exactly once even if the sender is killed (kill -9) at any instant. The send
record is committed by a callback (`message.handover`) after the whole message body is on the wire and
before the terminating "." that makes the server take it. Killed before the callback: the server never
got the dot, drops the message, and a resumed run sends it. Killed after: the record says sent, and the
server has the dot. The only gap left is the few microseconds between the commit and one write(2);
see docs/decisions/0004.

Everything else (connection reuse, STARTTLS/TLS, authentication, timeouts) is Django's.
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

if TYPE_CHECKING:  # typeshed's names for what smtplib.SMTP's methods take
    from _socket import _Address

    from _typeshed import ReadableBuffer

Handover = Callable[[], None]
Reply = tuple[int, bytes]  # an SMTP reply: code and text


class _HandoverMixin:
    """An smtplib connection whose DATA calls `self.handover` before the final dot.

    It also turns Nagle's algorithm off: the final dot is a small second write right after the body,
    and with Nagle on it waits for the server's delayed ACK (40 ms on Linux) on every message.
    """

    handover: Handover | None = None

    def connect(
        self, host: str = "localhost", port: int = 0, source_address: _Address | None = None
    ) -> Reply:
        reply: Reply = super().connect(host, port, source_address)  # type: ignore[misc]
        sock = getattr(self, "sock", None)
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return reply

    def data(self, msg: ReadableBuffer | str) -> Reply:
        hook, self.handover = self.handover, None
        if hook is None:
            answer: Reply = super().data(msg)  # type: ignore[misc]
            return answer
        self.putcmd("data")  # type: ignore[attr-defined]
        code, reply = self.getreply()  # type: ignore[attr-defined]
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = msg.encode("ascii")
        body = _dot_stuffed(msg if isinstance(msg, bytes) else bytes(msg))
        self.send(body)  # type: ignore[attr-defined]
        hook()
        self.send(b".\r\n")  # type: ignore[attr-defined]
        answer = self.getreply()  # type: ignore[attr-defined]
        return answer


def _dot_stuffed(msg: bytes) -> bytes:
    """The DATA body as smtplib makes it (every line ending CRLF, a leading dot doubled, a final CRLF).

    With bytes.replace instead of smtplib's two regular expressions, which took about 1 ms per 20 KB digest
    (hundreds of lines); see docs/decisions/0004.
    """
    body = msg.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    body = body.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body


class HandoverSMTP(_HandoverMixin, smtplib.SMTP):
    pass


class HandoverSMTP_SSL(_HandoverMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend; a message with a `handover` attribute gets it called before its final dot."""

    calls_handover = True
    sends_wire = True  # takes `wire.WireMessage`: bytes built by the sender, sent as they are

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return HandoverSMTP_SSL if self.use_ssl else HandoverSMTP

    def _send(self, email_message: Any) -> bool:
        session: Any = self.connection
        if session is not None:
            session.handover = getattr(email_message, "handover", None)
        try:
            wire = getattr(email_message, "wire", None)
            if wire is None:
                return bool(super()._send(email_message))  # type: ignore[misc]
            # Django's _send, minus building the message: the envelope and bytes come ready.
            try:
                session.sendmail(email_message.envelope_from, email_message.recipients(), wire)
            except smtplib.SMTPException:
                if not self.fail_silently:
                    raise
                return False
            return True
        finally:
            if session is not None:
                session.handover = None
