"""A digest's SMTP bytes, made from parts built once: the MIME frame once per run, each distinct digest once.

Within a run, thousands of subscribers share a few hundred distinct digests (the same topics, the same
frequency, the same stories), and every digest mail has the same MIME frame. Building each one through
Django's `EmailMessage.message()` and the email package's generator was about half of a sender's CPU per
message (docs/benchmarks.md). So:

- the frame (header order, constant headers, the multipart boundary, the parts' headers) is taken from
  one message that Django's own classes build per run, with stand-ins in its personal places;
- each distinct digest (same frequency, topics, sources and cursor) is rendered, encoded and cut at its
  personal stand-ins once (`Content`, kept in a bounded cache);
- each mail then joins those bytes with the subscriber's own address, links, Message-ID and Date.

The bytes are those Django would write for the same message (a test compares them), except for the random
boundary. Whenever that cannot be promised cheaply (an address or link that Django would rewrite or fold
differently, a line that would need quoted-printable, the boundary in a digest), `build` returns None and
the sender takes Django's path for that one mail.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.utils.html import escape

from .digest import Digest
from .render import (
    PERSONAL,
    SHORT_HEADERS,
    DigestEmail,
    DigestRenderer,
    Recipient,
    digest_headers,
    digest_subject,
    encoded_words,
    interests,
)

# An address that Django's sanitize_address leaves exactly as it is: ASCII dot-atoms.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_LINE_LIMIT = 998  # RFC 5322; Django switches a part to quoted-printable beyond it
_POLICY = SHORT_HEADERS.clone(linesep="\r\n")

_TEXT_SLOT = "NDWIRE-TEXT-\u00e9"  # non-ASCII, so the frame's parts say 8bit
_HTML_SLOT = "NDWIRE-HTML-\u00e9"


def plain_address(address: str) -> bool:
    return _PLAIN_ADDRESS.fullmatch(address) is not None


def _crlf(value: str) -> bytes:
    """What the email generator writes for an 8bit body: every line ending (CR, LF, CRLF) as CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode()


@dataclass(frozen=True)
class Frame:
    """The run's MIME frame: header fields in Django's order, and the multipart around the two bodies."""

    fields: tuple[tuple[str, bytes], ...]  # (name, the whole field with its line ending)
    before_text: bytes
    between: bytes
    after_html: bytes
    boundary: bytes
    envelope_from: str

    @classmethod
    def build(cls) -> Frame:
        """From one digest mail that Django's classes build, with stand-ins in the personal places."""
        stand_in = DigestEmail(
            subject="NDWIRE-SUBJECT",
            body=_TEXT_SLOT,
            to=["ndwire-to@ndwire.invalid"],
            headers=digest_headers("ndwire-unsubscribe", "NDWIRE-ID"),
        )
        stand_in.attach_alternative(_HTML_SLOT, "text/html")
        message = stand_in.message()
        raw = message.as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # Django's MIME class
        head, _, body = raw.partition(b"\r\n\r\n")
        fields = []
        for field in re.split(rb"\r\n(?![ \t])", head):
            name = field.split(b":", 1)[0].decode("ascii")
            fields.append((name, field + b"\r\n"))
        fields.append(("", b"\r\n"))  # the blank line that ends the header
        boundary = str(message.get_boundary()).encode("ascii")
        before_text, rest = body.split(_crlf(_TEXT_SLOT), 1)
        between, after_html = rest.split(_crlf(_HTML_SLOT), 1)
        encoding = stand_in.encoding or settings.DEFAULT_CHARSET
        return cls(
            tuple(fields),
            before_text,
            between,
            after_html,
            boundary,
            sanitize_address(stand_in.from_email, encoding),
        )


_ENCODING_8BIT = b"Content-Transfer-Encoding: 8bit\r\n"
_ENCODING_7BIT = b"Content-Transfer-Encoding: 7bit\r\n"


@dataclass(frozen=True)
class Body:
    """One body of a distinct digest, encoded, cut at the personal stand-ins."""

    chunks: tuple[bytes, ...]  # literal bytes, between which the slots go
    slots: tuple[str, ...]  # which personal value goes after each chunk but the last
    ascii: bool
    longest: int  # its longest line, in bytes (at least as long as Django measures it)

    @classmethod
    def cut(cls, value: str, stand_ins: dict[str, str]) -> Body:
        # Split at CR and LF only: never shorter than the lines Django measures (str.splitlines also splits
        # at other breaks), so a body that fits here is one Django also sends as 8bit.
        longest = max(map(len, value.encode(errors="surrogateescape").splitlines()), default=0)
        pattern = re.compile("|".join(re.escape(s) for s in stand_ins.values()))
        by_stand_in = {s: name for name, s in stand_ins.items()}
        chunks, slots, start = [], [], 0
        for match in pattern.finditer(value):
            chunks.append(_crlf(value[start : match.start()]))
            slots.append(by_stand_in[match.group()])
            start = match.end()
        chunks.append(_crlf(value[start:]))
        return cls(tuple(chunks), tuple(slots), value.isascii(), longest)

    def join(self, values: dict[str, bytes]) -> bytes:
        parts = [self.chunks[0]]
        for slot, chunk in zip(self.slots, self.chunks[1:], strict=True):
            parts.append(values[slot])
            parts.append(chunk)
        return b"".join(parts)

    def fits(self, values: dict[str, bytes], stand_ins: dict[str, str]) -> bool:
        """True when no line can pass the limit with these values put in (counted as if all on one line)."""
        growth = sum(max(0, len(values[s]) - len(stand_ins[s])) for s in self.slots)
        return self.longest + growth <= _LINE_LIMIT


@dataclass(frozen=True)
class Content:
    """What subscribers with the same digest share: its Subject field and both bodies."""

    subject: bytes
    text: Body
    html: Body
    boundary_free: bool


class Contents:
    """A bounded cache of `Content` by a key the caller chooses (the digest's defining preferences)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._kept: OrderedDict[object, Content] = OrderedDict()
        self.built = 0

    def get(self, key: object, make: Callable[[], Content]) -> Content:
        content = self._kept.get(key)
        if content is None:
            content = self._kept[key] = make()
            self.built += 1
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return content


def make_content(subject: str, text: str, html: str, stand_ins: dict[str, str], frame: Frame) -> Content:
    return Content(
        subject=_POLICY.fold_binary("Subject", encoded_words(subject)),
        text=Body.cut(text, stand_ins),
        html=Body.cut(html, stand_ins),
        boundary_free=frame.boundary.decode() not in text and frame.boundary.decode() not in html,
    )


@dataclass
class WireMessage:
    """A digest mail as SMTP bytes, for `mailer.EmailBackend`; `handover` as on `DigestEmail`."""

    envelope_from: str
    to: str
    wire: bytes
    handover: Callable[[], None] | None = None

    def recipients(self) -> list[str]:
        return [self.to]


def build(frame: Frame, content: Content, recipient: Recipient, message_id: str,
          stand_ins: dict[str, str]) -> WireMessage | None:  # fmt: skip
    """The mail's bytes, or None when Django's path must build this one."""
    unsubscribe = recipient.links["unsubscribe"]
    preferences = recipient.links["preferences"]
    personal = (recipient.email, unsubscribe, preferences, message_id)
    if not content.boundary_free or not plain_address(recipient.email):
        return None
    if not all(v.isascii() and v.isprintable() and " " not in v for v in personal):
        return None
    text_values = {
        "email": recipient.email.encode(),
        "unsubscribe_url": unsubscribe.encode(),
        "preferences_url": preferences.encode(),
    }
    html_values = {name: escape(value.decode()).encode() for name, value in text_values.items()}
    if not content.text.fits(text_values, stand_ins) or not content.html.fits(html_values, stand_ins):
        return None
    personal_fields = {
        "Subject": content.subject,
        "To": _POLICY.fold_binary("To", recipient.email),
        "Date": _POLICY.fold_binary("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        "Message-ID": _POLICY.fold_binary("Message-ID", message_id),
        "List-Unsubscribe": _POLICY.fold_binary("List-Unsubscribe", f"<{unsubscribe}>"),
    }
    parts = [personal_fields.get(name, field) for name, field in frame.fields]
    text_ascii = content.text.ascii
    html_ascii = content.html.ascii
    parts.append(_seven_bit(frame.before_text) if text_ascii else frame.before_text)
    parts.append(content.text.join(text_values))
    parts.append(_seven_bit(frame.between) if html_ascii else frame.between)
    parts.append(content.html.join(html_values))
    parts.append(frame.after_html)
    return WireMessage(frame.envelope_from, recipient.email, b"".join(parts))


def _seven_bit(part_head: bytes) -> bytes:
    """The part's header as Django writes it for an ASCII body."""
    head, cte, rest = part_head.rpartition(_ENCODING_8BIT)
    return head + _ENCODING_7BIT + rest if cte else part_head


class Wired:
    """A run's digest mails as bytes: the frame once, each distinct digest once, then per subscriber."""

    def __init__(self, renderer: DigestRenderer) -> None:
        self.renderer = renderer
        self.frame = Frame.build()
        self.contents = Contents()

    def message(self, digest: Digest, recipient: Recipient, message_id: str) -> WireMessage | None:
        shown = interests(recipient)
        key = (recipient.frequency, tuple((s.id, s.also) for s in digest.stories), digest.more, shown)

        def make() -> Content:
            text, html = self.renderer.shared(digest, recipient.frequency, shown)
            subject = digest_subject(digest, recipient.frequency)
            return make_content(subject, text, html, PERSONAL, self.frame)

        return build(self.frame, self.contents.get(key, make), recipient, message_id, PERSONAL)
