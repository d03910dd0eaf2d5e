"""The "hacked" outlet's injected spam block, as a compromised WordPress site would carry it.

The block is hidden with display:none so a visitor never sees it, yet it sits inside the
article content, where an extractor that ignores styles would happily keep it. Its links point
at the gambling post slipped into the same outlet's feed, so nothing leaves the demo server.
"""

from __future__ import annotations

from newsdesk_demo.render import esc
from newsdesk_demo.site import Site

SPAM_PHRASES = ("mahjong slot", "slot gacor", "slot online", "judi bola", "bonus new member 100")


def hidden_spam_html(site: Site, outlet: str) -> str:
    spam = site.outlet_of_slug(outlet).spam
    placed = site.timeline.fixed(spam.key) if spam else None
    href = esc(site.story_path(placed)) if placed else f"/{outlet}/"
    links = ", ".join(f'<a href="{href}">{esc(phrase)}</a>' for phrase in SPAM_PHRASES)
    return (
        '<div style="display:none" class="wp-block-group">'
        f"<p>Daftar situs {links} terpercaya hari ini, link alternatif anti rungkad.</p></div>"
    )
