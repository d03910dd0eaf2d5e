"""The labelled integrity set (tests/fixtures/integrity/) as pages and feed items.

Each item becomes the article page an outlet would serve: legitimate and injected items on the
outlet's normal layout, spam on the same layout (a hacked site serves spam in its own template, so
the page declares the outlet's language, not the spam's). Three layouts are used while tuning;
the held-out part is rendered on a fourth, never tuned against.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "integrity"
LABELS = ("legit", "spam", "injected")


@dataclass(frozen=True)
class Case:
    id: str
    label: str  # "legit", "spam" or "injected"
    kind: str
    lang: str
    source_lang: str
    title: str
    paragraphs: tuple[str, ...]
    links: tuple[tuple[str, str], ...] = ()
    injection: str = ""  # HTML of the planted block (injected items)
    marker: str = ""  # text of the planted block that must not survive
    held_out: bool = False

    @property
    def host(self) -> str:
        return f"{self.source_lang}-news.example"

    @property
    def url(self) -> str:
        return f"https://{self.host}/2026/05/{self.id}/"


def load(part: str) -> list[Case]:
    """ "tune" or "heldout": legit, spam and injected items of that part."""
    held_out = part == "heldout"
    raw = {label: _read(f"{label}_{part}.json") for label in LABELS}
    legit = {item["id"]: item for item in raw["legit"]}
    cases = [_case(item, "legit", held_out) for item in raw["legit"]]
    cases += [_case(item, "spam", held_out) for item in raw["spam"]]
    for item in raw["injected"]:
        host = legit[item["host"]]
        merged = {
            **host,
            "id": item["id"],
            "kind": item["kind"],
            "injection": item["html"],
            "marker": item["marker"],
        }
        cases.append(_case(merged, "injected", held_out))
    return cases


def _read(name: str) -> list[dict[str, Any]]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def _case(item: dict[str, Any], label: str, held_out: bool) -> Case:
    return Case(
        id=item["id"],
        label=label,
        kind=item["kind"],
        lang=item["lang"],
        source_lang=item["source_lang"],
        title=item["title"],
        paragraphs=tuple(item["paragraphs"]),
        links=tuple((a, u) for a, u in item.get("links", ())),
        injection=item.get("injection", ""),
        marker=item.get("marker", ""),
        held_out=held_out,
    )


# ---- rendering ------------------------------------------------------------------------------------


def body_html(case: Case) -> str:
    """The article body: paragraphs, the sources paragraph, the planted block after one of them."""
    blocks = [f"<p>{escape(p)}</p>" for p in case.paragraphs]
    if case.links:
        links = " · ".join(f'<a href="{escape(u)}">{escape(a)}</a>' for a, u in case.links)
        blocks.append(f"<p>{links}</p>")
    if case.injection:
        at = 1 + zlib.crc32(case.id.encode()) % max(1, len(blocks) - 1)
        blocks.insert(at, case.injection)
    return "\n".join(blocks)


def _nav(case: Case) -> str:
    sections = ("news", "sport", "business", "culture", "opinion")
    return (
        "<nav><ul>" + "".join(f'<li><a href="/{s}/">{s.title()}</a></li>' for s in sections) + "</ul></nav>"
    )


def _footer() -> str:
    social = ("https://facebook.com/outlet", "https://twitter.com/outlet", "https://instagram.com/outlet")
    links = " ".join(f'<a href="{u}">{u.split("/")[2]}</a>' for u in social)
    return f'<footer><p>© The outlet. {links} <a href="/privacy/">Privacy</a></p></footer>'


def _head(case: Case) -> str:
    return (
        f'<head><meta charset="utf-8"><title>{escape(case.title)} | Outlet</title>'
        f'<link rel="canonical" href="{case.url}"><meta property="og:title" content="{escape(case.title)}">'
        f'<meta property="article:published_time" content="2026-05-04T08:00:00+00:00"></head>'
    )


def wordpress(case: Case) -> str:
    return f"""<!doctype html><html lang="{case.source_lang}">{_head(case)}<body class="single">
<header class="site-header">{_nav(case)}</header><main id="main"><article class="post">
<h1 class="entry-title">{escape(case.title)}</h1><div class="entry-meta">By Staff</div>
<div class="entry-content">{body_html(case)}</div></article>
<aside class="widget-area"><h2>Recent posts</h2><ul><li><a href="/news/a/">Another story</a></li>
<li><a href="/news/b/">A second story</a></li></ul></aside></main>{_footer()}</body></html>"""


def divsoup(case: Case) -> str:
    return f"""<!doctype html><html lang="{case.source_lang}">{_head(case)}<body><div id="wrap">
<div class="top">{_nav(case)}</div><div class="col"><div class="story"><h1>{escape(case.title)}</h1>
<div class="txt">{body_html(case)}</div></div>
<div class="more"><b>More stories</b> <a href="/news/c/">Third story</a>
<a href="/news/d/">Fourth story</a></div>
</div><div class="bottom">{_footer()}</div></div></body></html>"""


def plain(case: Case) -> str:
    return f"""<!doctype html><html lang="{case.source_lang}">{_head(case)}<body>
<h1>{escape(case.title)}</h1>{body_html(case)}<p><a href="/">Home</a></p></body></html>"""


def magazine(case: Case) -> str:
    """The held-out layout: sections, a figure, a sidebar of teasers and a newsletter box."""
    return f"""<!doctype html><html lang="{case.source_lang}-{case.source_lang.upper()}">{_head(case)}
<body><div class="shell"><header role="banner">{_nav(case)}</header>
<div class="layout"><section class="main-col" role="main"><div class="kicker">Features</div>
<h1 class="headline">{escape(case.title)}</h1><figure><img src="/img/lead.jpg" alt="A photograph">
<figcaption>Photograph: staff</figcaption></figure><section class="rich-text">{body_html(case)}</section>
</section><div class="rail"><div class="teaser"><a href="/features/x/">A feature you may like</a></div>
<div class="signup"><h3>Newsletter</h3><p>Sign up for our weekly newsletter in your inbox.</p></div>
</div></div>{_footer()}</div></body></html>"""


TUNING: dict[str, Callable[[Case], str]] = {"wordpress": wordpress, "divsoup": divsoup, "plain": plain}
HELD_OUT: dict[str, Callable[[Case], str]] = {"magazine": magazine}


def page(case: Case) -> str:
    layouts = list((HELD_OUT if case.held_out else TUNING).values())
    return layouts[zlib.crc32(case.id.encode()) % len(layouts)](case)


def feed_item_html(case: Case) -> str:
    """What the outlet's feed carries as the item's content (content:encoded)."""
    return body_html(case)
