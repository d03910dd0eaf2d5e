"""Signed tokens for the links in our mail.

- Confirmation: the subscriber id and a nonce, signed with a timestamp. It expires after 48 hours and is
  single-use, because confirming clears the nonce.
- Management (unsubscribe, preferences, export, delete): the subscriber's random key, signed. These links
  must keep working in old mail, so they do not expire; rotating the key revokes them.

A tampered or truncated token fails the signature check before any database lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

CONFIRM_MAX_AGE = timedelta(hours=48)
_CONFIRM_SALT = "newsdesk.newsletter.confirm"
_MANAGE_SALT = "newsdesk.newsletter.manage"


class BadToken(Exception):
    """The token is malformed, tampered with or expired (`expired` says which)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class ConfirmClaim:
    subscriber_id: int
    nonce: str


def confirm_token(subscriber_id: int, nonce: str) -> str:
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign(f"{subscriber_id}.{nonce}")


def read_confirm_token(token: str, *, max_age: timedelta = CONFIRM_MAX_AGE) -> ConfirmClaim:
    try:
        value = signing.TimestampSigner(salt=_CONFIRM_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken() from None
    ident, _, nonce = value.partition(".")
    if not ident.isdigit() or not nonce:
        raise BadToken()
    return ConfirmClaim(int(ident), nonce)


def manage_token(key: str) -> str:
    return signing.Signer(salt=_MANAGE_SALT).sign(key)


def read_manage_token(token: str) -> str:
    """The subscriber key the token carries."""
    try:
        return signing.Signer(salt=_MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        raise BadToken() from None
