"""Web addresses from elsewhere: the one test of an absolute http(s) URL, and the one cleaner. Pure.

Feeds, pages and the database hand us addresses we link readers to, fetch, or proxy images from.
Every such address passes `is_web_url`: http or https, a host, a valid port, no user name or password
(a stored link must not carry a secret, and "https://bank.example@evil.example/" must not fool a
reader), and none of the characters a browser would read differently from us: C0 and C1 controls,
DEL, whitespace of any kind, lone surrogates and the non-characters U+FFFE and U+FFFF.

`safe_url` makes such an address out of what a document says, the way a browser reads an href:
whitespace and control characters around it are dropped, tabs and line breaks inside it removed,
spaces inside it written %20, and a relative address resolved against a base.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\ud800-\udfff\ufffe\uffff\s]")
_AROUND = re.compile(r"^[\x00-\x20\s]+|[\x00-\x20\s]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]+")


def is_web_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host, as described above; False for anything else."""
    if not isinstance(url, str) or not url or _FORBIDDEN.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError:
        return False
    return (
        parts.scheme in WEB_SCHEMES  # urlsplit lower-cases the scheme
        and bool(parts.hostname)
        and "\\" not in parts.netloc  # browsers read "\" as "/": the host would not be the one we see
        and parts.username is None
        and parts.password is None
    )


def safe_url(value: object, base: str | None = None) -> str | None:
    """`value` as an absolute http(s) URL that passes `is_web_url`, or None.

    A relative `value` is resolved against `base` when `base` is itself a web URL, and is None
    without one. The scheme comes back in lower case; the rest as written.
    """
    if not isinstance(value, str):
        return None
    text = _TAB_OR_NEWLINE.sub("", _AROUND.sub("", value)).replace(" ", "%20")
    if not text:
        return None
    if base is not None and is_web_url(base):
        try:
            text = urljoin(base, text)
        except ValueError:
            return None
    if not is_web_url(text):
        return None
    scheme, rest = text.split(":", 1)
    return f"{scheme.lower()}:{rest}"
