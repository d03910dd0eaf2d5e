"""Who wrote the article, as a list of names: "By Ana Ruiz and Tom Lee" -> ("Ana Ruiz", "Tom Lee").

Names come from metadata first (meta tags, JSON-LD). Failing that, trafilatura's byline XPaths run on
the cleaned tree, whose comment threads and author-bio boxes are already gone, so no copy of the tree
is needed (trafilatura's own `extract_author` deep-copies the page to prune them). Last, a "By …"
line near the headline. trafilatura's `normalize_authors` does the splitting and tidying.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from lxml.etree import Element, XPath
from lxml.html import HtmlElement
from trafilatura.metadata import normalize_authors
from trafilatura.utils import trim

# Job titles and desks that bylines carry after the name ("Ana Ruiz, Reporter").
_ROLES = re.compile(
    r"^(staff|staff writer|reporter|correspondent|editor|senior editor|news desk|newsdesk|photographer"
    r"|contributor|guest author|admin|administrator|team|editorial team|agencies|wire services?"
    r"|posted|published|updated|publiziert( am)?|veröffentlicht( am)?|aktualisiert( am)?|publicado( por)?"
    r"|text|texte|interview|foto|fotos|bild|photo|photos|publisher|follow|stand|datum|date"
    # Placeholders for no name, and month names a date left behind ("Oct").
    r"|no author|unknown|anonymous|anonym|anónimo|anonyme|null|none|jan|feb|mar|apr|may|jun|jul|aug|sep"
    r"|sept|oct|nov|dec"
    # Degrees written after a name and split off with it ("Grant Tinsley, PhD").
    r"|ph\.?\s?d\.?|m\.?d\.?|msc|m\.?sc\.?|mph|rd|rdn|dr\.?|prof\.?)$",
    re.IGNORECASE,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w.'’-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w.'’-]+|de|da|van|von|der|del|la|le|bin|al-\w+)){0,4}"
_JOIN = r"(?:\s*,\s*|\s+(?:and|und|et|y|en)\s+|\s*&\s*)"
_BY_LINE = re.compile(
    rf"(?:^|(?<=[\s,·|]))(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\s+({_NAME}(?:{_JOIN}{_NAME})*)"
)
# Words that name an organisation, a desk or an account rather than a person.
_ORGANISATION = re.compile(
    r"\b(gmbh|ag|e\.?\s?v|inc|llc|ltd|plc|s\.?a|redaktion|editorial|editors|team|staff|newsroom|verlag"
    r"|redacci[oó]n|r[ée]daction|redazione|media|magazin|magazine|zeitung|news|online|press|presse|agency"
    r"|agentur|admin|wordpressadmin|kg|co\.? kg"
    r"|super user|webmaster|deutschland)\b\.?",
    re.IGNORECASE,
)
# A list of names that ends with a country is a postal address, not a byline: the author tag of
# some publishers reads "Outlet GmbH, City, Germany".
_COUNTRIES = frozenset(
    {"germany", "deutschland", "austria", "österreich", "switzerland", "schweiz", "suisse", "france",
     "italy", "italia", "spain", "españa", "usa", "united states", "uk", "united kingdom", "netherlands",
     "belgium", "belgique", "luxembourg", "poland", "polska", "canada", "australia"}
)  # fmt: skip
# Top-level domains left in a name by a site that signs as its address ("Backen de", "Example Com").
_TLD_TAIL = re.compile(r"\s(de|com|net|org|ch|at|fr|it|es|io|info|co|uk)$", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(by|von|vom|por|par|door|di|af|autor|autorin|author|auteur|beitrag von|written by|posted by"
    r"|geschrieben von|interview|text|texte)\s*:?\s+",
    re.IGNORECASE,
)
# Both text searches stop at `$limit` nodes inside libxml2: the nodes past it were never read, but
# wrapping each of them as a Python string cost more than the search itself.
_SHORT_TEXT_XPATH = XPath(
    "(.//text()[string-length(normalize-space(.)) > 4][string-length(.) < 160])[position() <= $limit]"
)
_DIGITS = re.compile(r"\d")
# A byline label in an element of its own, the names in the next one: "<span>By</span><a>Ana Ruiz</a>",
# "<h5>Autor:</h5>Ana Ruiz/SP-X".
_LABEL_XPATH = XPath("(.//text()[string-length(normalize-space(.)) < 10])[position() <= $limit]")
_LABEL = re.compile(r"^\W*(by|von|autor|autorin|author|auteur|par|por|door)\s*:?$", re.IGNORECASE)
# From the label's element: its own text (the label, or the label as its tail), then the next text.
_TEXT_ON = XPath("(descendant::text()|following::text())[normalize-space()][position() <= 2]")
_TAIL_ON = XPath("following::text()[normalize-space()][position() <= 2]")
# What may come before the names on a byline line, besides a date: "Posted", "Geschrieben", "Publié".
_LEAD = re.compile(
    r"^\W*(posted|written|geschrieben|verfasst|eingestellt|publié|publicado|pubblicato)\b", re.I
)
MAX_BYLINE_TAIL = 20  # characters after the names: " am", ", 12. März"
MAX_LABELLED_NAMES = 80  # a line after a "By" label longer than this is a sentence, not names


def split_authors(raw: str | None, source: str | None = None) -> tuple[str, ...]:
    """trafilatura's "A; B" form (or any byline text) to a tuple of names, without roles or dates.
    `source`, the text the names were read from, restores the full stops of initials."""
    if not raw:
        return ()
    raw = html.unescape(raw)  # meta tags spell names with entities: "Redacci&oacute;n"
    normalized = normalize_authors(None, raw) or ""
    names = []
    for part in normalized.split(";"):
        name = _initials(" ".join(part.split()).strip("'\"‘’“”"), source or raw)
        if not name or _ROLES.match(name) or _DIGITS.search(name) or len(name.split()) > 6:
            continue
        if name not in names:
            names.append(name)
    return tuple(names)


def _initials(name: str, source: str) -> str:
    """Give back the full stops trafilatura's tidying takes from initials ("Marwan H. Adwan"), where
    `source` (the byline or the page) spells the name with them."""
    words = name.split()
    for index, word in enumerate(words):
        if len(word) == 1 and word.isupper():
            spelled = " ".join([*words[:index], f"{word}.", *words[index + 1 : index + 2]])
            if spelled in source:
                words[index] = f"{word}."
    return " ".join(words)


def people_only(
    names: tuple[str, ...], site_name: str | None = None, url: str | None = None
) -> tuple[str, ...]:
    """Drop what is not a person: the outlet itself (its site name or address), organisations,
    desks and accounts ("Staff", "Redaktion", "Super User"); strip a leading "By"/"Von". A list
    of three or more ending with a country ("Outlet GmbH; City; Germany") is an address: nobody."""
    if names and names[-1].strip().casefold() in _COUNTRIES:
        if len(names) > 2:  # "Outlet; City; Germany"
            return ()
        names = names[:-1]  # "Ana Ruiz; Germany"
    sites = {_squash(site_name)} if site_name else set()
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.removeprefix("www.").split(".") if label]
    if labels:
        sites.update({_squash(".".join(labels)), _squash(labels[0] if len(labels) < 3 else labels[-2])})
    kept = []
    for name in names:
        name = _PREFIX.sub("", name).strip()
        squashed = _squash(name)
        if (
            not squashed
            or squashed in sites
            or any(site and site in squashed for site in sites if len(site) > 4)
        ):
            continue
        if _ORGANISATION.search(name) or _TLD_TAIL.search(name):
            continue
        if any(squashed == _initials_of(other) for other in names if other != name):
            continue  # "Ana Ruiz; AR": her initials, signed under the story, are not a second author
        if name not in kept:
            kept.append(name)
    return tuple(kept)


def _initials_of(name: str) -> str:
    words = name.split()
    return "".join(word[0].casefold() for word in words) if len(words) > 1 else ""


def _squash(text: str | None) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def byline_authors(root: HtmlElement, limit: int = 60) -> tuple[str, ...]:
    """Names from the visible byline of a cleaned page; `limit` short text nodes are searched."""
    found = _byline_metainfo(root, len_limit=120)
    names = split_authors(found)
    if names:
        return names
    for node in _SHORT_TEXT_XPATH(root, limit=limit):
        line = " ".join(str(node).split())
        match = _BY_LINE.search(line)
        if match and _is_byline(line, match):
            # A lone word after "von", "par" or "by" in running text is a place or a thing as often
            # as a person ("von Israel"): a byline found in the text must name people in full.
            names = split_authors(match.group(1))
            if names and all(len(name.split()) >= 2 for name in names):
                return names
    return _after_label(root, limit)


# trafilatura's three byline XPaths (`trafilatura.xpaths.AUTHOR_XPATHS`, trafilatura pinned at 2.3.1),
# asked in one walk over the elements: libxml2 spent about 2 ms a page on each of them, testing a
# dozen attribute values of every element, often all three in turn. Each regular expression of theirs
# is an alternation of plain words, so it is a substring test here. tests/ingest/test_byline_xpaths.py
# checks the same elements, in the same order, as trafilatura's XPaths.
_BYLINE_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_BYLINE_CLASS = ("author-name", "authorname", "AuthorName", "authorName")
_BYLINE_TEST_IDS = ("AuthorCard", "AuthorURL")
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_GENERIC_EXACT_CLASS = frozenset({"byline", "username", "byl", "BBL"})
_GENERIC_ID = ("author", "zuozhe", "bianji", "xiaobian")
_GENERIC_CLASS = (
    "author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by", "journalist-name",
)  # fmt: skip
_ANY_ID = ("Author", "author")
_ANY_CLASS = ("Author", "author", "screenname", "writer", "Byline", "byline")


def byline_candidates(root: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]]:
    """What each of trafilatura's three byline XPaths selects in `root`'s document, in document order."""
    top = root.getroottree().getroot()
    # `rel='me'` in the first XPath: a child element <rel> whose text is "me".
    rel_me = {rel.getparent() for rel in top.iter("rel") if rel.text_content() == "me"}
    specific: list[HtmlElement] = []
    generic: list[HtmlElement] = []
    anywhere: list[HtmlElement] = []
    for element in top.iter(Element):
        tag = element.tag
        if not element.attrib:
            if tag == "author" or (tag in _BYLINE_TAGS and element in rel_me):
                specific.append(element)
            continue
        css = element.get("class") or ""
        ident = element.get("id") or ""
        prop = element.get("itemprop") or ""
        if tag == "author" or (
            tag in _BYLINE_TAGS
            and (
                element.get("rel") == "author"
                or ident == "author"
                or css == "author"
                or prop == "author name"
                or element in rel_me
                or element.get("data-testid") in _BYLINE_TEST_IDS
                or any(word in css for word in _BYLINE_CLASS)
            )
        ):
            specific.append(element)
        author_prop = "author" in prop
        if tag in _GENERIC_TAGS and (
            css in _GENERIC_EXACT_CLASS
            or author_prop
            or any(word in ident for word in _GENERIC_ID)
            or any(word in css for word in _GENERIC_CLASS)
        ):
            generic.append(element)
        if (
            author_prop
            or "Byline" in (element.get("data-component") or "")
            or any(word in ident for word in _ANY_ID)
            or any(word in css for word in _ANY_CLASS)
        ):
            anywhere.append(element)
    return specific, generic, anywhere


def _byline_metainfo(root: HtmlElement, len_limit: int) -> str | None:
    """trafilatura's `extract_metainfo(root, AUTHOR_XPATHS, len_limit)`: the first element's text, in
    the XPaths' order, that is longer than 2 and shorter than `len_limit` characters."""
    for elements in byline_candidates(root):
        for element in elements:
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < len_limit:
                return content
    return None


def _after_label(root: HtmlElement, limit: int) -> tuple[str, ...]:
    """Names in the text that follows a byline label standing alone ("By", "Von", "Autor:"), given in
    full (two words or more, as in running text); a credit after a slash ("/SP-X", "/dpa") is cut."""
    for node in _LABEL_XPATH(root, limit=limit):
        if not _LABEL.match(" ".join(str(node).split())):
            continue
        element = node.getparent()
        if element is None:
            continue
        texts = (_TAIL_ON if node.is_tail else _TEXT_ON)(element)
        line = " ".join(str(texts[1]).split()).split("/")[0] if len(texts) == 2 else ""
        if not line or len(line) > MAX_LABELLED_NAMES or _DIGITS.search(line):
            continue
        names = split_authors(line)
        if names and all(len(name.split()) >= 2 for name in names):
            return names
    return ()


def _is_byline(line: str, match: re.Match[str]) -> bool:
    """A "by"/"von" in running text ("die Nähe von Gewässern", "Tochter von …") is no byline: the
    names must end the line, or nearly (" am"), and come first or after a date or a "Posted on"."""
    lead, rest = line[: match.start()], line[match.end() :]
    return len(rest) <= MAX_BYLINE_TAIL and (
        not lead.strip() or bool(_DIGITS.search(lead)) or bool(_LEAD.match(lead))
    )
