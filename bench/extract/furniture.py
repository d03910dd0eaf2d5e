"""Page furniture for the synthetic pages: the boilerplate real news pages carry around an article.

Every string here is our own invention. The furniture is deliberately varied (class names, wording,
placement) so that the clean-up cannot just learn one site's markup.
"""

# ruff: noqa: E501  (HTML templates read best as the markup they produce, unwrapped)

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Weight:
    """How much furniture a page carries. HEAVY is the default; LIGHT is our first, leaner page set."""

    submenus: bool
    rail: bool
    blobs: tuple[int, int]
    keys: tuple[int, int]
    rules: tuple[int, int]
    footer_links: tuple[int, int]


HEAVY = Weight(submenus=True, rail=True, blobs=(3, 7), keys=(80, 400), rules=(150, 500), footer_links=(6, 12))
LIGHT = Weight(submenus=False, rail=False, blobs=(2, 5), keys=(60, 220), rules=(80, 300), footer_links=(6, 6))
_weight = HEAVY


@contextmanager
def weighing(weight: Weight) -> Iterator[None]:
    """Render pages with `weight` inside the block."""
    global _weight
    previous, _weight = _weight, weight
    try:
        yield
    finally:
        _weight = previous


SECTIONS = [
    "News",
    "Local",
    "Business",
    "Sport",
    "Culture",
    "Science",
    "Travel",
    "Opinion",
    "Health",
    "Weather",
]
HEADLINE_SUBJECTS = [
    "Council", "Rail operator", "Regional museum", "Weather service", "University team", "Harbour board",
    "Farmers' union", "City orchestra", "Water company", "Energy regulator", "Youth league", "Ferry firm",
]  # fmt: skip
HEADLINE_VERBS = [
    "announces", "delays", "approves", "reviews", "celebrates", "questions", "extends", "pauses", "expands",
    "rethinks", "defends", "unveils",
]  # fmt: skip
HEADLINE_OBJECTS = [
    "plans for the riverside", "winter timetable", "new visitor centre", "budget for next year", "storm warning",
    "funding for repairs", "summer festival", "changes to parking", "study of air quality", "cross-town route",
    "opening hours", "school meals scheme",
]  # fmt: skip
COMMENT_LINES = [
    "Great to see this finally happening, it has taken far too long.",
    "I walked past there yesterday and nobody seemed to know about it.",
    "Who is paying for all of this? Not a word about the cost.",
    "My grandfather used to talk about this place all the time.",
    "Excellent reporting as always, thank you.",
    "This is exactly what the town needs, more of this please.",
    "Does anyone know whether it will be open at weekends?",
    "I remain unconvinced, we have heard these promises before.",
]
NAMES = ["Sam K.", "riverwatcher", "Jo Bright", "oldtimer54", "M. Patel", "kestrel", "Aunty Flo", "D. Novak"]


def headline(rng: random.Random) -> str:
    return f"{rng.choice(HEADLINE_SUBJECTS)} {rng.choice(HEADLINE_VERBS)} {rng.choice(HEADLINE_OBJECTS)}"


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def link_list(rng: random.Random, count: int, base: str, cls: str = "") -> str:
    items = []
    for _ in range(count):
        text = headline(rng)
        items.append(
            f'<li{cls}><a href="{base}/{slug(text)}-{rng.randint(1000, 99999)}">{escape(text)}</a></li>'
        )
    return "\n".join(items)


def nav_menu(rng: random.Random, site: str) -> str:
    """A mega-menu: each section opens a panel of sub-sections and a few teasers, as news sites do."""
    if not _weight.submenus:
        links = "".join(f'<li class="menu-item"><a href="/{s.lower()}/">{s}</a></li>' for s in SECTIONS)
    else:
        links = "".join(
            f'<li class="menu-item has-children"><a href="/{s.lower()}/">{s}</a>{icon("chevron")}'
            f'<ul class="sub-menu">{link_list(rng, rng.randint(5, 9), "/" + s.lower())}</ul></li>'
            for s in SECTIONS
        )
    return (
        f'<nav class="main-navigation" aria-label="Main menu"><a class="logo" href="/">{escape(site)}</a>'
        f'<ul class="menu">{links}</ul><form class="search-form" action="/search"><input name="q" '
        f'placeholder="Search"><button>Go</button></form></nav>'
    )


def icon(name: str) -> str:
    """An inline SVG icon, as share bars and menus really ship them."""
    path = " ".join(f"M{i * 3} {i * 2}l{i} {i + 1}" for i in range(1, 14))
    return f'<svg class="icon icon-{name}" viewBox="0 0 24 24" aria-hidden="true"><path d="{path}"/></svg>'


def share_bar(style: str) -> str:
    nets = ["Facebook", "X", "LinkedIn", "WhatsApp", "Email"]
    if style == "wordpress":
        buttons = "".join(
            f'<li class="share-{n.lower()}"><a href="#" class="share-icon">{icon(n)}<span>{n}</span></a></li>'
            for n in nets
        )
        return f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>{buttons}</ul></div>'
    if style == "aria":
        buttons = "".join(f'<button type="button" aria-label="Share on {n}">{icon(n)}</button>' for n in nets)
        return f'<div class="tools" role="group" aria-label="Share this article">{buttons}<span>Share</span></div>'
    buttons = "".join(f'<a href="#" class="social-btn">{icon(n)} {n}</a>' for n in nets)
    return f'<div class="social-links">{buttons}</div>'


def cookie_banner(style: str) -> str:
    text = (
        "We use cookies and similar technologies to remember your choices, measure how the site is used and "
        "show you content that may interest you. You can accept all cookies, refuse those that are not "
        "needed, or choose which ones to allow. You can change your mind at any time in the privacy settings."
    )
    if style == "dialog":
        return (
            f'<div role="dialog" aria-label="Cookie consent" class="cmp-container"><p>{text}</p>'
            '<button>Accept all</button><button>Reject all</button><a href="/privacy">Manage options</a></div>'
        )
    if style == "id":
        return (
            f'<div id="cookie-notice" class="cn-bottom"><div class="cookie-notice-container"><span>{text}</span>'
            '<a href="#" class="cn-button">Ok</a><a href="/privacy" class="cn-more">Privacy policy</a></div></div>'
        )
    return (
        f'<div class="gdpr-bar"><p><strong>Your privacy</strong></p><p>{text}</p>'
        '<p><a href="#">I agree</a> <a href="#">Settings</a></p></div>'
    )


def newsletter_box(style: str) -> str:
    if style == "inbox":
        return (
            '<div class="newsletter-signup"><h3>Get more stuff like this in your inbox</h3>'
            "<p>Subscribe to our weekly briefing and never miss a story from your area.</p>"
            '<form action="/newsletter"><input type="email" placeholder="Your email address">'
            "<button>Subscribe</button></form></div>"
        )
    if style == "promo":
        return (
            '<aside class="promo-box"><p><strong>Get more stuff like this in your inbox.</strong> '
            "One email every morning with the stories that matter here. Sign up now, it is free.</p>"
            '<p><a href="/subscribe">Subscribe</a></p></aside>'
        )
    return (
        '<section class="cta"><h4>Subscribe</h4><p>Join thousands of readers who get our best writing '
        'delivered every Friday.</p><form><input type="email"><button>Sign up</button></form></section>'
    )


def live_news(rng: random.Random, style: str) -> str:
    items = []
    for _ in range(rng.randint(6, 10)):
        hour, minute = rng.randint(6, 22), rng.randint(0, 59)
        text = escape(headline(rng))
        items.append(
            f'<li><time>{hour:02d}:{minute:02d}</time> <a href="/live/{rng.randint(100, 999)}">{text}</a></li>'
        )
    body = "\n".join(items)
    if style == "class":
        return (
            f'<aside class="live-news widget"><h2 class="widget-title">Live News</h2><ul>{body}</ul></aside>'
        )
    return f'<div class="box"><h3>Live News</h3><ol class="list">{body}</ol></div>'


def related(rng: random.Random, heading: str, cls: str, base: str = "/news") -> str:
    return f'<div class="{cls}"><h3>{escape(heading)}</h3><ul>{link_list(rng, rng.randint(3, 5), base)}</ul></div>'


def read_more_para(rng: random.Random) -> str:
    text = escape(headline(rng))
    return f'<p><strong>Read More:</strong> <a href="/news/{slug(text)}">{text}</a></p>'


def comments(rng: random.Random, style: str) -> str:
    items = []
    for _ in range(rng.randint(3, 9)):
        name = escape(rng.choice(NAMES))
        line = escape(rng.choice(COMMENT_LINES))
        items.append(
            f'<li class="comment"><div class="comment-author">{name}</div>'
            f'<div class="comment-meta">{rng.randint(1, 28)} days ago</div><p>{line}</p>'
            '<a class="reply" href="#">Reply</a></li>'
        )
    body = "\n".join(items)
    if style == "wordpress":
        return (
            f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(items)} thoughts</h2>'
            f'<ol class="comment-list">{body}</ol><div id="respond"><h3>Leave a Reply</h3>'
            '<form><textarea name="comment"></textarea><input name="author"><button>Post Comment</button></form>'
            "</div></div>"
        )
    return f'<section class="discussion"><h2>Comments</h2><ul>{body}</ul></section>'


def hidden_spam(rng: random.Random) -> str:
    word = rng.choice(["cheap watches", "casino bonus", "miracle pills", "quick loans"])
    return (
        f'<div style="display:none"><a href="http://spam.invalid/{slug(word)}">{word}</a> best {word} online '
        "today, click here for the lowest prices guaranteed</div>"
    )


def footer(rng: random.Random, site: str) -> str:
    cols = []
    for title in ("About us", "Sections", "Services", "Regional editions", "Follow us"):
        cols.append(
            f'<div class="footer-col"><h4>{title}</h4><ul>{link_list(rng, rng.randint(*_weight.footer_links), "/info")}</ul></div>'
        )
    rail = ""
    if _weight.rail:
        heading = rng.choice(["More stories", "Elsewhere on the site", "From around the region"])
        rail = f'<section class="rail"><h2>{heading}</h2>{teaser_cards(rng, rng.randint(6, 12))}</section>'
    return (
        f'{rail}<footer class="site-footer">{"".join(cols)}<p class="copyright">© 2024 {escape(site)}. '
        'All rights reserved.</p><p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · '
        '<a href="/cookies">Cookie settings</a></p></footer>'
    )


def analytics_scripts(rng: random.Random) -> str:
    """Inline scripts and JSON config blobs: real pages carry tens of kilobytes of them."""
    blobs = []
    for n in range(rng.randint(*_weight.blobs)):
        keys = ",".join(f'"k{n}_{i}":"{rng.getrandbits(64):x}"' for i in range(rng.randint(*_weight.keys)))
        blobs.append(
            f"<script>window.__cfg{n} = {{{keys}}};(function(){{var s=1;for(var i=0;i<3;i++)s*=2;}})();</script>"
        )
    return "\n".join(blobs)


def stylesheet(rng: random.Random) -> str:
    rules = "\n".join(
        f".c{i} {{ margin: {i % 7}px; padding: {i % 5}px; color: #{rng.getrandbits(24):06x}; }}"
        for i in range(rng.randint(*_weight.rules))
    )
    return f"<style>{rules}</style>"


def teaser_cards(rng: random.Random, count: int, cls: str = "card") -> str:
    """Picture, headline and standfirst: what "More stories" rails are made of."""
    cards = []
    for _ in range(count):
        text = escape(headline(rng))
        cards.append(
            f'<div class="{cls}"><a href="/news/{slug(text)}"><img src="/media/t/{rng.randint(1, 999)}.jpg" '
            f'alt="" loading="lazy"><h3>{text}</h3></a><p>{escape(rng.choice(COMMENT_LINES))}</p>'
            f'<span class="meta">{rng.randint(2, 59)} min ago</span></div>'
        )
    return "\n".join(cards)
