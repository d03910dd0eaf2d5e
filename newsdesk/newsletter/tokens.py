"""Signed tokens for the links in our mail.

- Confirmation: the subscriber id and a nonce, signed with a timestamp. It expires after 48 hours and is
  single-use, because confirming clears the nonce.
- Unsubscribe: the subscriber's permanent random key, signed. It is the List-Unsubscribe URL, which mail
  providers see and keep, so it does one thing only: unsubscribe. It never expires (old mail keeps working).
- Manage (preferences, export, delete): a second random key (`manage_key`), signed with a timestamp. Each
  mail carries a fresh one in its "manage" link. Rotating the key revokes every manage link sent so far;
  export and delete also want a link younger than NEWSDESK_NEWSLETTER_MANAGE_LINK_DAYS, and otherwise offer to
  mail a fresh one.

A tampered or truncated token fails the signature check before any database lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

CONFIRM_MAX_AGE = timedelta(hours=48)
_CONFIRM_SALT = "newsdesk.newsletter.confirm"
_UNSUBSCRIBE_SALT = "newsdesk.newsletter.manage"  # the name links in mail sent before the split carry
_MANAGE_SALT = "newsdesk.newsletter.preferences"


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


def unsubscribe_token(key: str) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(key)


def read_unsubscribe_token(token: str) -> str:
    """The subscriber key the unsubscribe token carries."""
    try:
        return signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        raise BadToken() from None


@dataclass(frozen=True)
class ManageClaim:
    manage_key: str
    signed_at: float  # seconds since the epoch


def manage_token(manage_key: str) -> str:
    return signing.TimestampSigner(salt=_MANAGE_SALT).sign(manage_key)


def read_manage_token(token: str) -> ManageClaim:
    """The manage key the token carries and when it was signed (its age decides what it may open)."""
    signer = signing.TimestampSigner(salt=_MANAGE_SALT)
    try:
        signer.unsign(token)  # checks the signature over the value and its timestamp
        value, _, stamp = signing.Signer.unsign(signer, token).rpartition(signer.sep)
        return ManageClaim(value, float(signing.b62_decode(stamp)))
    except (signing.BadSignature, ValueError):
        raise BadToken() from None
