"""Pseudonyms: keyed, per purpose, stable, and the very values earlier releases stored."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.test import override_settings

from newsdesk.consent.actions import pseudonym as consent_subject
from newsdesk.core.privacy import Pseudonym
from newsdesk.newsletter.abuse import pseudonym as newsletter_source


def _expected(purpose: str, value: str, key: str) -> str:
    """HMAC-SHA256 keyed with sha256(purpose + secret), as Django's salted_hmac derives it, by hand."""
    derived = hashlib.sha256((purpose + key).encode()).digest()
    return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


def test_a_pseudonym_is_the_keyed_hash_for_its_purpose() -> None:
    assert Pseudonym("p")("reader-1") == _expected("p", "reader-1", settings.SECRET_KEY)
    assert Pseudonym("p", length=12)("reader-1") == _expected("p", "reader-1", settings.SECRET_KEY)[:12]


def test_purposes_and_values_give_unrelated_pseudonyms() -> None:
    one = Pseudonym("newsdesk.a")
    assert one("reader-1") == one("reader-1")
    assert one("reader-1") != one("reader-2")
    assert one("reader-1") != Pseudonym("newsdesk.b")("reader-1")


def test_without_the_key_the_pseudonym_changes() -> None:
    before = Pseudonym("p")("reader-1")
    with override_settings(SECRET_KEY="another-key-for-this-test-only"):
        assert Pseudonym("p")("reader-1") != before


def test_the_stored_pseudonyms_keep_their_purpose_and_length() -> None:
    """The consent log and newsletter records hold these: a change would unlink every row kept."""
    key = settings.SECRET_KEY
    assert consent_subject("cookie-id") == _expected("newsdesk.consent.subject", "cookie-id", key)
    assert newsletter_source("192.0.2.7") == _expected("newsdesk.newsletter.source", "192.0.2.7", key)[:32]
