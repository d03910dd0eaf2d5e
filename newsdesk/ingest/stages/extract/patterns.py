"""The vocabulary of page furniture: which markup and which wording mark boilerplate.

Kept apart from the clean-up logic so the lists can grow without touching the algorithm. Names come
from widespread CMS and plugin conventions (WordPress, Jetpack, AMP, consent managers) and from the
plain words sites put on their boxes; none is specific to one site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
from lxml.etree import XPath

from newsdesk.markup.hidden import css_hidden_reason, parse_style

# ---- markup -----------------------------------------------------------------


@dataclass(frozen=True)
class AttributeRule:
    """A kind of furniture, by the parts of its class/id tokens, whole tokens, or ARIA role."""

    label: str
    parts: frozenset[str]
    tokens: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Checked in this order; the first match wins.
ATTRIBUTE_RULES: tuple[AttributeRule, ...] = (
    AttributeRule("cookie-notice", _words("cookie cookies consent gdpr cmp cookiebar cookiebanner")),
    AttributeRule(
        "newsletter",
        _words("newsletter newsletters subscribe subscription signup optin mailinglist"),
        _words("sign-up email-signup mailing-list"),
    ),
    AttributeRule("share-bar", _words("share sharing sharedaddy social addtoany a2a sharebar")),
    AttributeRule(
        "related-links",
        _words(
            "related relatedposts recommended recommendations outbrain taboola recirculation trending popular"
        ),
        _words("read-more readmore more-stories most-read mostread read-next also-read you-may-like"),
    ),
    AttributeRule(
        "live-news", _words("livenews ticker newsticker"), _words("live-news breaking-news latest-news")
    ),
    AttributeRule("comments", _words("comment comments disqus respond commentlist")),
    AttributeRule("ads", _words("ad ads advert adverts advertisement adslot sponsored dfp")),
    AttributeRule("author-bio", _words("bio authorbox"), _words("author-box about-author")),
    AttributeRule(
        "navigation",
        _words("nav navbar navigation menu breadcrumb breadcrumbs skiplink pagination"),
        roles=_words("navigation menu menubar search"),
    ),
    AttributeRule("sidebar", _words("sidebar widget widgets"), roles=_words("complementary")),
    AttributeRule("footer", _words("footer"), roles=_words("contentinfo")),
    AttributeRule("tags", _words("tags"), _words("cat-links tag-links tags-links post-tags")),
)

# Tags that are furniture wherever they stand. <aside> and <header> only count outside the article.
LABEL_BY_TAG: Mapping[str, str] = {
    "nav": "navigation",
    "footer": "footer",
    "amp-ad": "ads",
    "amp-embed": "ads",
    "amp-sticky-ad": "ads",
    "amp-consent": "cookie-notice",
    "amp-user-notification": "cookie-notice",
    "amp-sidebar": "navigation",
    "amp-social-share": "share-bar",
}
LABEL_OUTSIDE_ARTICLE: Mapping[str, str] = {"aside": "sidebar", "header": "navigation"}

_SPLIT = re.compile(r"[-_:]+")
# Adobe Experience Manager names its building blocks "cmp-text", "cmp-title", "cmp-image": there
# "cmp" means component, not consent-management platform. Such tokens lose the prefix before matching.
_AEM_COMPONENT = re.compile(
    r"\bcmp-(?=(text|title|image|teaser|container|list|tabs|accordion|carousel|separator|button"
    r"|embed|download|contentfragment|experiencefragment)(?![a-z0-9]))"
)
_LABEL_ATTRIBUTES = ("class", "id", "data-component", "data-module")


def label_for_attributes(attrib: Mapping[str, str]) -> str | None:
    """The kind of furniture an element's class, id, role and aria-label announce, if any: the first
    rule (in ATTRIBUTE_RULES' order) that any of them matches.

    Each value is matched on its own and the rules it matches kept as bits, cached per value: pages
    repeat class names hundreds of times, while a cache of the whole combination missed on every element
    with an id of its own. The class, id, data-component and data-module tokens were matched together
    before; a rule matches their union exactly when it matches one of them, so the answer is the same.
    """
    mask = 0
    for name in _LABEL_ATTRIBUTES:
        value = attrib.get(name)
        if value:
            mask |= _cached(_NAMES_MASKS, value, _names_mask)
    role = attrib.get("role")
    if role:
        mask |= _cached(_ROLE_MASKS, role, _role_mask)
    aria_label = attrib.get("aria-label")
    if aria_label:
        mask |= _cached(_ARIA_MASKS, aria_label, _aria_mask)
    return ATTRIBUTE_RULES[(mask & -mask).bit_length() - 1].label if mask else None


# Per kind of value, the values seen lately and their rule bits; emptied when one grows past this.
MASK_TABLE_SIZE = 8192
_NAMES_MASKS: dict[str, int] = {}
_ROLE_MASKS: dict[str, int] = {}
_ARIA_MASKS: dict[str, int] = {}


def _cached(table: dict[str, int], value: str, compute: Callable[[str], int]) -> int:
    mask = table.get(value)
    if mask is None:
        if len(table) >= MASK_TABLE_SIZE:
            table.clear()
        mask = table[value] = compute(value)
    return mask


def _names_mask(value: str) -> int:
    """The rules a class, id or data-component value matches, by its tokens and their parts."""
    low = value.lower()
    if not _ANY_NAME.find_matches_as_indexes(low):
        return 0
    mask = 0
    for token in _AEM_COMPONENT.sub("", low).split():
        mask |= _TOKEN_BITS.get(token, 0)
        for part in _SPLIT.split(token):
            mask |= _PART_BITS.get(part, 0)
    return mask


def _role_mask(value: str) -> int:
    return _ROLE_BITS.get(value.lower(), 0)


def _aria_mask(value: str) -> int:
    mask = 0
    for word in value.lower().replace(":", " ").split():
        mask |= _PART_BITS.get(word, 0)
    return mask


def _bits(words_of: Callable[[AttributeRule], frozenset[str]]) -> dict[str, int]:
    """Each word of the rules (parts, whole tokens or roles) and the bits of the rules that hold it."""
    bits: dict[str, int] = {}
    for index, rule in enumerate(ATTRIBUTE_RULES):
        for word in words_of(rule):
            bits[word] = bits.get(word, 0) | 1 << index
    return bits


_PART_BITS = _bits(lambda rule: rule.parts)
_TOKEN_BITS = _bits(lambda rule: rule.tokens)
_ROLE_BITS = _bits(lambda rule: rule.roles)


# The attributes that can mark furniture or the article body; the clean-up reads them from each element
# and classifies each value with `attribute_hint`, cached because pages repeat the same class names.
# (Chained XPath contains() tests were ten times slower; an XPath union of these attribute values was
# about 10% slower than reading them while walking the elements.)
HINT_ATTRIBUTES = (
    "class", "id", "role", "aria-label", "style", "hidden", "data-component", "data-module", "itemprop",
)  # fmt: skip
BODY_CLASS = re.compile(r"entry-content|article-body|article-content|post-content|story-body|post-body")
_ALL_PARTS = frozenset().union(*(rule.parts for rule in ATTRIBUTE_RULES))
_ALL_TOKENS = frozenset().union(*(rule.tokens for rule in ATTRIBUTE_RULES))
_ALL_ROLES = frozenset().union(*(rule.roles for rule in ATTRIBUTE_RULES))
# Any furniture word anywhere in a value, as a substring: a value without one cannot match a rule, and
# most class names and ids have none, so one search rules them out before they are split into words.
_ANY_NAME = ahocorasick_rs.AhoCorasick(sorted(_ALL_PARTS | _ALL_TOKENS))
# (An Aho-Corasick automaton, as TEXT_HINT_MATCHER: a regular expression alternating these ninety
# words took about six times as long per value, and ids are unique, so most values are read once.)

MARKER = "marker"
FURNITURE = "furniture"


@lru_cache(maxsize=8192)
def attribute_hint(name: str, value: str) -> str | None:
    """MARKER if this attribute marks the article body, FURNITURE if it may mark furniture, else None.

    FURNITURE is only a hint: `label_for_attributes` decides, looking at all of an element's attributes.
    """
    low = value.lower()
    if name == "itemprop":
        return MARKER if low == "articlebody" else None
    if name == "role":
        return MARKER if low in ("main", "article") else FURNITURE if low in _ALL_ROLES else None
    if name == "hidden":
        return FURNITURE
    if name == "style":  # hidden by inline CSS: newsdesk/markup/hidden.py decides
        return FURNITURE if css_hidden_reason(parse_style(value)) else None
    if name == "class" and BODY_CLASS.search(low):
        return MARKER
    if name == "aria-label":
        return FURNITURE if set(low.replace(":", " ").split()) & _ALL_PARTS else None
    if not _ANY_NAME.find_matches_as_indexes(low):
        return None
    tokens = _AEM_COMPONENT.sub("", low).split()
    if set(tokens) & _ALL_TOKENS or {part for token in tokens for part in _SPLIT.split(token)} & _ALL_PARTS:
        return FURNITURE
    return None


# ---- wording ----------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    label: str
    kind: str  # "line": drop the line or its small box; "heading": drop the section it heads;
    # "heading-alone": a heading only when it is all its block says; "credit": drop the block only
    # when the credit is all it says
    pattern: re.Pattern[str]


def _rule(label: str, kind: str, pattern: str) -> TextRule:
    return TextRule(label, kind, re.compile(pattern, re.IGNORECASE))


TEXT_RULES: tuple[TextRule, ...] = (
    _rule("related-links", "line",
          r"(read more|read also|also read|see also|related|more|watch|listen|lee también|lea también|lea más"
          r"|lee más|lea|ver también|vea también"
          r"|lire aussi|à lire aussi|lesen sie auch|mehr zum thema|leggi anche|leia também|leia mais"
          r"|lees ook)\s*(?:[:»|]|\.\.\.|…)"),
    _rule("newsletter", "line", r"get more (stuff|stories|news|like this)"),
    _rule("newsletter", "line", r"(subscribe|sign up)\b.{0,80}\b(newsletter|inbox|briefing|email)"),
    _rule("newsletter", "line", r".{0,80}\b(straight )?(in|to) your inbox\b.{0,60}$"),
    _rule("cookie-notice", "line", r"(we use cookies|this (web)?site uses cookies|we and our partners use)"),
    _rule("live-news", "heading", r"(live news|live updates|latest news|breaking news|just in|news ticker)$"),
    _rule("related-links", "heading",
          r"(related( articles| stories| posts| content| coverage| reading)?|more on this (story|topic)"
          r"|read next|read more|recommended( for you| reading)?|you (may|might) also like"
          r"|most (read|popular|viewed)"
          r"|trending( now)?|popular( now| stories)?|more stories|more from .{1,40}|editor'?s picks):?$"),
    _rule("related-links", "heading",
          r"(le puede interesar|te puede interesar|notas relacionadas|temas relacionados|más sobre .{1,40}"
          r"|veja também|das könnte sie auch interessieren|mehr zum thema"
          r"|weitere (themen|artikel|beiträge)( .{1,40})?|empfohlene beiträge|schon gelesen\??|auch lesen"
          r"|zum weiterlesen|videos zum thema|kommentierte artikel|czytaj (też|także)|sur le même sujet"
          r"|à lire aussi):?$"),
    # "Mehr zum Thema Wasserstoff": a heading that names its topic, only as a line of its own (the same
    # words in a sentence or a link inside a paragraph are the story's).
    _rule("related-links", "heading-alone", r"mehr zum thema .{1,40}:?$"),
    _rule("photo-credit", "credit",
          r"((foto|fotos|bild|photo|photos|crédit photo|credit)\s*:\s*\S.{0,60}|getty images"
          r"|istock(\.com|photo)?|(afp|dpa|ap|reuters|epa)\s*/\s*.{1,40})$"),
    _rule("comments", "heading",
          r"(\d+\s+(comments?|responses?|thoughts|replies)( on .{1,120})?|comments?|leave a (reply|comment)"
          r"|join the (discussion|conversation)):?$"),
    _rule("share-bar", "heading", r"share( this( article| story| post| page)?)?:?$"),
    _rule("newsletter", "heading", r"(subscribe|newsletter|sign up|stay (informed|in touch))$"),
)  # fmt: skip

# Short text nodes are collected by XPath and filtered by this regex before the rules run.
SHORT_TEXT_XPATH = XPath("descendant::text()[string-length(.) < 300]")
TEXT_HINT = re.compile(
    r"read|related|more|inbox|newsletter|subscribe|sign up|cookies|live|latest|breaking|just in|ticker"
    r"|comment|repl|thoughts|respons|discussion|conversation|share|recommend|trending|popular|you m"
    r"|editor|also|watch|listen|stay in|partners use|también|aussi|lesen|thema|anche|leia|lees|lea|lee m"
    r"|interes|relacionad|sobre|themen|artikel|beiträge|gelesen|czytaj"
    r"|sujet|foto|bild|photo|credit|crédit|getty|istock|afp|reuters"
)  # matched against lower-cased text: IGNORECASE makes this alternation five times slower
# The same words in one Aho-Corasick automaton (ahocorasick-rs, as the spam lexicon uses): the clean-up
# scans all of a page's short texts in one pass with it, instead of one regular-expression search per
# text node, where the alternation is tried at every character (clean.py, _hinted).
TEXT_HINT_MATCHER = ahocorasick_rs.AhoCorasick(TEXT_HINT.pattern.split("|"))
