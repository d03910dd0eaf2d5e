"""The article's headline, chosen among what the page offers: og:title, JSON-LD, <title> and its <h1>s.

The visible headline is the <h1> the reader sees, but many pages have several (the site's logo is an
<h1> on most blog themes) and the metadata titles carry the site's name (" | Outlet", "Outlet - ").
So: an <h1> whose words are those of a metadata title, or of one part of it, wins (the metadata says
which <h1> is the story's, the <h1> gives its exact spelling). Failing that, the metadata title with
the site's name cut off. A lone <h1> of several words that names no site wins over a metadata title
it does not match: that is the "SEO title" case, where og:title is written for search engines.
An <h1> often carries a kicker in its own element ("<span class=kicker>Climate</span><span>Story</span>")
and a separator hidden from sight: the headline is the <h1> without them.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

# " | ", " - ", " – ", " — ", " · ", " • ", " : ", " » ", " › ", " ⋆ "; "|", "»", "›" spaced on one side.
# Titles in Chinese or Japanese script set them without spaces: "Story-Outlet", "OUTLET|Story".
_SEPARATORS = re.compile(
    r"\s+[|–—·•:»›⋆~-]\s+|\s+[|»›]|[|»›]\s+|(?<=\S)\|(?=\S)"
    r"|(?<=[\u3000-\u9fff\uff00-\uffef])[-–—](?=[\u3000-\u9fff])"
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DOMAIN = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_TRAILING_SEPARATOR = re.compile(r"\s+[|–—·•:»›⋆~-]$")
_LEADING_SEPARATOR = re.compile(r"^[|–—·•:»›⋆~-]\s+")
MAX_HEADLINE = 300
_OG_TITLE_XPATH = XPath(".//meta[@property='og:title' or @name='og:title'][@content]/@content")
# Classes of the kicker (overline, "Dachzeile", "Spitzmarke") and of text only screen readers get.
_KICKER_CLASS = re.compile(
    r"kicker|dachzeile|spitzmarke|overline|topline|roofline|eyebrow|supertitle|pretitle|titleheader"
    r"|visually-hidden|sr-only|screen-reader|hiddendash",
    re.IGNORECASE,
)
# "Kicker: Story" with the colon against the first word: one more way a title splits into parts.
_COLON = re.compile(r"(?<=\w):\s+")
_SOFT_HYPHEN = "\xad"
# A day before the headline, as its own part: "23.01.2022 - Story".
_LEADING_DAY = re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})\s+[-–—|]\s+(?=\S)")
# A lone <h1> replaces an unmatched metadata title only with this many words or more.
LONE_H1_WORDS = 3
# WordPress's classic themes title a post "Blog name » Blog Archive » Post title".
_BLOG_ARCHIVE = frozenset({"blog archive", "blog archiv"})


def _first(values: list[str]) -> str | None:
    return str(values[0]) if values else None


def key(text: str | None) -> str:
    """Words only, case-folded: "Korsetts – Shops" and "korsetts - shops" are the same headline.
    Soft hyphens (where a word may break) are no break between words."""
    return " ".join(_NON_WORD.sub(" ", (text or "").replace(_SOFT_HYPHEN, "").casefold()).split())


def parts(title: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(title) if part.strip()]


def _segments(title: str) -> list[str]:
    """The parts of a title, and their pieces split at "Kicker: " (only to match an <h1>, never to
    cut a title): "A: B | Outlet" gives "A: B", "A", "B" and "Outlet"."""
    whole = parts(title)
    pieces = [piece.strip() for part in whole for piece in _COLON.split(part)]
    return whole + [piece for piece in pieces if piece and piece not in whole]


def heading_text(heading: HtmlElement) -> str:
    """An <h1>'s text without a kicker child or a separator hidden from sight; the whole text when
    that would leave nothing."""
    pieces: list[str] = []
    _text_without_kickers(heading, pieces)
    text = _LEADING_SEPARATOR.sub("", " ".join(" ".join(pieces).split()))
    return text or " ".join(heading.itertext())


def _text_without_kickers(element: HtmlElement, pieces: list[str]) -> None:
    pieces.append(element.text or "")
    for child in element:
        if not isinstance(child.tag, str) or not _KICKER_CLASS.search(child.get("class") or ""):
            _text_without_kickers(child, pieces)
        pieces.append(child.tail or "")


def strip_site_name(title: str, site_name: str | None, from_title_tag: bool) -> str:
    """Cut a site's name from either end: "Story | Outlet", "Outlet: Story", "Story - outlet.example"."""
    pieces = parts(title)
    if len(pieces) < 2:
        return title
    site = key(site_name)
    matches = list(_SEPARATORS.finditer(title))
    first, last = matches[0], matches[-1]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    lead, rest = title[: first.start()].strip(), title[first.end() :].strip()
    if site:
        if key(tail) == site or (key(site) in key(tail) and len(tail) < len(head)):
            return head
        if key(lead) == site:
            return rest
    if _DOMAIN.match(tail):
        return head
    if _DOMAIN.match(lead):
        return rest
    if from_title_tag and len(tail) < len(head):
        return head
    return title


def choose_title(
    root: HtmlElement, headline: str | None, other: str | None, site_name: str | None
) -> str | None:
    """The headline. Metadata titles in order of trust: JSON-LD `headline`, og:title, `other` (what
    trafilatura's meta reader found), <title>."""
    tag_title = _clean(root.findtext(".//title"))
    titles: list[str] = []
    for candidate in (headline, _first(_OG_TITLE_XPATH(root)), other, tag_title):
        text = _clean(candidate)
        if text and text not in titles:
            titles.append(text)
    if tag_title and site_name and _is_headline_part(tag_title, site_name, root):
        site_name = None
    site = key(site_name)
    sites = {site} if site else set()
    segments = {key(p) for t in titles for p in _segments(t)} - sites
    headings = [h for h in (_clean(_without_lead(h, segments)) for h in root.iter("h1")) if h]
    headings = [h for h in headings if len(h) <= MAX_HEADLINE]
    after_site = _after_site(root, titles, headings, sites)
    if after_site:
        return after_site
    if not headings:
        return strip_site_name(titles[0], site_name, titles[0] == tag_title) if titles else None
    keys = {key(h): h for h in reversed(headings)}  # the first <h1> of each wording
    # An <h1> that is a whole metadata title, the most trusted first, or one with the site's name cut
    # off ("Story - Outlet" for <h1>Story</h1>).
    for title in titles:
        wanted = key(title)
        if wanted not in keys or wanted in sites:
            wanted = key(strip_site_name(title, site_name, True))
        if wanted in keys and wanted not in sites:
            return keys[wanted]
    for title in titles:  # the first parts of one, most of it: "Story - Section | Outlet"
        found = _leading_parts(title, keys)
        if found is not None and found not in sites:
            return keys[found]
    lead = key(titles[0]) if titles else ""
    matched = [h for h in headings if key(h) in segments and key(h) in lead]
    if matched:  # the longest <h1> that is one part of a title ("Story | Blog" with <h1>Blog</h1> too)
        return max(matched, key=len)
    best = None
    if titles:
        best = strip_site_name(titles[0], site_name, from_title_tag=titles[0] == tag_title)
    if len(headings) == 1:
        heading = headings[0]
        named_site = key(heading) in sites or any(
            key(heading) in {key(p) for p in parts(t)[1:]} for t in titles
        )
        kicker = best is not None and key(best) in key(heading)  # "Analysis Story" holds "Story"
        if not named_site and not kicker and len(heading.split()) >= LONE_H1_WORDS:
            return heading
    return best or (headings[0] if headings else None)


def _is_headline_part(title: str, site_name: str, root: HtmlElement) -> bool:
    """Whether `site_name` is the longest part of the <title> and an <h1> of the page: then it is
    the headline, taken for the site's name by a guess ("Outlet - Section - Headline")."""
    pieces = parts(title)
    if len(pieces) < 2:
        return False
    longest = max(pieces, key=len)
    wanted = key(site_name)
    if wanted != key(longest) or any(len(p) >= len(longest) for p in pieces if p != longest):
        return False
    return any(key(" ".join(h.itertext())) == wanted for h in root.iter("h1"))


def _after_site(root: HtmlElement, titles: list[str], headings: list[str], sites: set[str]) -> str | None:
    """The story's title on a blog whose <h1> is the blog's name and whose posts have <h2> titles:
    the title is "Blog » Story" (or "Blog » Blog Archive » Story"), the blog's name its only <h1>,
    and an <h2> holds the rest, longer than the name and not the site's name. The text after
    "Blog Archive" even without such an <h2>."""
    for title in titles:
        pieces = parts(title)
        if len(pieces) < 2 or {key(h) for h in headings} != {key(pieces[0])}:
            continue
        archive = next((i for i, p in enumerate(pieces[:-1]) if key(p) in _BLOG_ARCHIVE), None)
        rest = " ".join(pieces[archive + 1 :]) if archive is not None else " ".join(pieces[1:])
        if key(rest) in sites or len(rest) <= len(pieces[0]):  # "Story | Blog": the rest is the site
            continue
        wanted = {key(rest)}
        for element in root.iter("h2"):
            text = _clean(" ".join(element.itertext()))
            if text and key(text) in wanted and len(text) <= MAX_HEADLINE:
                return text
        if archive is not None:
            return rest
    return None


def _without_lead(heading: HtmlElement, segments: set[str]) -> str:
    """The <h1>'s text, without a leading element that is a kicker by the metadata's word: when the
    title's parts hold both it and the rest ("<h1><span>Olympics</span> Boats to the centre</h1>" with
    "Olympics - Boats to the centre | Outlet"), whatever its class."""
    text = heading_text(heading)
    if (heading.text or "").strip() or not len(heading):
        return text
    lead = next(
        (e for e in heading.iterdescendants() if isinstance(e.tag, str) and (e.text or "").strip()), None
    )
    if lead is None:
        return text
    kicker = " ".join(lead.text_content().split())
    rest = _LEADING_SEPARATOR.sub("", text[len(kicker) :].strip()) if text.startswith(kicker) else ""
    if rest and key(kicker) in segments and key(rest) in segments:
        return rest
    return text


def _leading_parts(title: str, keys: dict[str, str]) -> str | None:
    """The key of an <h1> that is the first parts of `title`, before a separator, and most of it
    ("Chapter 1: Prologue - Murdered" of "Chapter 1: Prologue - Murdered - Serial | Outlet"). A short
    lead is the site's name as often ("Blog - Story"), so the <h1> must be longer than what follows."""
    pieces = parts(title)
    half = len(key(title)) / 2
    for n in range(len(pieces) - 1, 0, -1):
        wanted = key(" ".join(pieces[:n]))
        if len(wanted) <= half:
            return None
        if wanted in keys:
            return wanted
    return None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    text = _TRAILING_SEPARATOR.sub("", " ".join(value.replace(_SOFT_HYPHEN, "").split()))
    return _LEADING_DAY.sub("", text) or None
