"""The demo outlets as the rest of Newsdesk sees them: a name and a feed URL each."""

from __future__ import annotations

from newsdesk_demo.content import load_outlets


def demo_feeds(base_url: str) -> list[tuple[str, str]]:
    """(outlet name, absolute feed URL) for every demo outlet served at `base_url`."""
    base = base_url.rstrip("/")
    return [(outlet.name, base + outlet.feed_path) for outlet in load_outlets()]
