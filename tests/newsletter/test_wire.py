"""What goes on the wire: dot-stuffing of the DATA body, the Subject's encoded words, the headers' folding."""

from __future__ import annotations

import email
import email.policy
import re

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.newsletter.mailer import _dot_stuffed
from newsdesk.newsletter.render import SHORT_HEADERS, encoded_words


def _as_smtplib_does(msg: bytes) -> bytes:
    """smtplib's own _fix_eols and _quote_periods (regular expressions), and its final CRLF."""
    body = re.sub(rb"(?m)^\.", b"..", re.sub(rb"\r\n|\r|\n", b"\r\n", msg))
    return body if body.endswith(b"\r\n") else body + b"\r\n"


@given(st.lists(st.sampled_from([b"a", b".", b"\r", b"\n", b"\r\n", b"..", b" "]), max_size=40).map(b"".join))
def test_dot_stuffing_matches_smtplib(msg: bytes) -> None:
    assert _dot_stuffed(msg) == _as_smtplib_does(msg)


def test_dot_stuffing_doubles_leading_dots_only() -> None:
    assert _dot_stuffed(b".\n..x\ny.z\r\n.") == b"..\r\n...x\r\ny.z\r\n..\r\n"


@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip() == s and "\n" not in s and "\r" not in s))
def test_encoded_words_decode_to_the_same_text(value: str) -> None:
    encoded = encoded_words(value)
    assert encoded.isascii()
    if not value.isascii():
        assert all(len(word) <= 75 for word in encoded.split(" "))  # RFC 2047's limit per encoded word
        parsed = email.message_from_string(f"Subject: {encoded}\n\n", policy=email.policy.default)
        assert parsed["Subject"] == value
    else:
        assert encoded == value


_HEADER_TEXT = st.lists(
    st.sampled_from(["a", "Z", "7", " ", "  ", "\t", ",", ";", "<", ">", "=?", "é", "\n", "\r\n", "-"]),
    max_size=60,
).map("".join)


@given(st.sampled_from(["To", "Subject", "List-Unsubscribe", "X-A-Rather-Long-Header-Name"]), _HEADER_TEXT)
def test_short_headers_fold_exactly_as_the_default_policy(name: str, value: str) -> None:
    for linesep in ("\n", "\r\n"):
        ours = SHORT_HEADERS.clone(linesep=linesep)
        theirs = email.policy.compat32.clone(linesep=linesep)
        assert ours.fold(name, value) == theirs.fold(name, value)
        assert ours.fold_binary(name, value) == theirs.fold_binary(name, value)
