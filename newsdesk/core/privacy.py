"""Pseudonyms: keyed hashes that stand for a reader's identifier wherever we keep or count it.

A consent record names the reader's cookie id, and the newsletter's abuse guard the client's
address, only through an HMAC-SHA256 keyed with the site's secret key and salted by the purpose.
Without the key the hash cannot be matched to a cookie or an address; with it, the operator can
find a reader's own records when asked. Each purpose is one `Pseudonym`, declared once beside
its use: changing a purpose or a length unlinks every record already kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class Pseudonym:
    purpose: str  # the HMAC's salt: one per use, so the same value has unrelated pseudonyms in each
    length: int = 64  # hex digits kept, at most 64

    def __call__(self, value: str) -> str:
        return salted_hmac(self.purpose, value, algorithm="sha256").hexdigest()[: self.length]
