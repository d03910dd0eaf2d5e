"""X-Hub-Signature: the HMAC a hub computes over a pushed body with the subscription's secret. Pure.

The Recommendation lets a hub sign with sha1, sha256, sha384 or sha512. sha1 is taken only while the
hub has offered nothing stronger: once it has signed with a SHA-2 method, a sha1 signature (or any
weaker one than the strongest seen) is refused, so a forger cannot fall back to the weakest method.
"""

from __future__ import annotations

import hashlib
import hmac

STRENGTH = {"sha1": 1, "sha256": 2, "sha384": 3, "sha512": 4}


def check_signature(header: str | None, body: bytes, secret: str, strongest_seen: str = "") -> str | None:
    """The method of a valid `method=hexdigest` signature of `body`, or None when it is missing,
    unknown, weaker than `strongest_seen`, or wrong. The digests are compared in constant time."""
    if not header or not secret:
        return None
    method, _, digest = header.strip().partition("=")
    method = method.strip().lower()
    if method not in STRENGTH or STRENGTH[method] < STRENGTH.get(strongest_seen, 0):
        return None
    expected = hmac.new(secret.encode("utf-8"), body, getattr(hashlib, method)).hexdigest()
    return method if hmac.compare_digest(expected, digest.strip().lower()) else None


def sign(body: bytes, secret: str, method: str = "sha256") -> str:
    """The header value a hub sends: for our test hub and the demo's."""
    return f"{method}={hmac.new(secret.encode('utf-8'), body, getattr(hashlib, method)).hexdigest()}"


def stronger(a: str, b: str) -> str:
    """The stronger of two methods ("" counts as none)."""
    return a if STRENGTH.get(a, 0) >= STRENGTH.get(b, 0) else b
