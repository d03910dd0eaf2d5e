"""The vocabulary of page furniture: which markup and which wording mark boilerplate.

Kept apart from the clean-up logic so the lists can grow without touching the algorithm. Names come
from widespread CMS and plugin conventions (WordPress, Jetpack, AMP, consent managers) and from the
plain words sites put on their boxes; none is specific to one site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml.etree import XPath

# ---- markup -----------------------------------------------------------------

# (label, class/id parts, whole class/id tokens, roles). Checked in this order; the first match wins.
_ATTRIBUTE_RULES: tuple[tuple[str, frozenset[str], frozenset[str], frozenset[str]], ...] = (
    ("cookie-notice", frozenset({"cookie", "cookies", "consent", "gdpr", "cmp", "cookiebar", "cookiebanner"}),
     frozenset(), frozenset()),
    ("newsletter", frozenset({"newsletter", "newsletters", "subscribe", "subscription", "signup", "optin",
                              "mailinglist"}),
     frozenset({"sign-up", "email-signup", "mailing-list"}), frozenset()),
    ("share-bar", frozenset({"share", "sharing", "sharedaddy", "social", "addtoany", "a2a", "sharebar"}),
     frozenset(), frozenset()),
    ("related-links", frozenset({"related", "relatedposts", "recommended", "recommendations", "outbrain",
                                 "taboola", "recirculation", "trending", "mostread", "popular"}),
     frozenset({"read-more", "readmore", "more-stories", "most-read", "read-next", "also-read", "you-may-like"}),
     frozenset()),
    ("live-news", frozenset({"livenews", "ticker", "newsticker"}),
     frozenset({"live-news", "breaking-news", "latest-news", "news-ticker"}), frozenset()),
    ("comments", frozenset({"comment", "comments", "disqus", "respond", "commentlist"}), frozenset(), frozenset()),
    ("ads", frozenset({"ad", "ads", "advert", "adverts", "advertisement", "adslot", "sponsored", "dfp"}),
     frozenset(), frozenset()),
    ("author-bio", frozenset({"bio", "authorbox"}), frozenset({"author-box", "about-author"}), frozenset()),
    ("navigation", frozenset({"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "skiplink",
                              "pagination"}),
     frozenset(), frozenset({"navigation", "menu", "menubar", "search"})),
    ("sidebar", frozenset({"sidebar", "widget", "widgets"}), frozenset(), frozenset({"complementary"})),
    ("footer", frozenset({"footer"}), frozenset(), frozenset({"contentinfo"})),
    ("tags", frozenset({"tags"}), frozenset({"cat-links", "tag-links", "tags-links", "post-tags"}), frozenset()),
)  # fmt: skip

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
_LABEL_ATTRIBUTES = ("class", "id", "data-component", "data-module")


def label_for_attributes(attrib: Mapping[str, str]) -> str | None:
    """The kind of furniture an element's class, id, role and aria-label announce, if any."""
    tokens = " ".join(attrib.get(name, "") for name in _LABEL_ATTRIBUTES).lower().split()
    parts = {part for token in tokens for part in _SPLIT.split(token)}
    whole = set(tokens)
    role = attrib.get("role", "").lower()
    aria = set(attrib.get("aria-label", "").lower().replace(":", " ").split())
    for label, part_set, token_set, roles in _ATTRIBUTE_RULES:
        if parts & part_set or whole & token_set or role in roles or aria & part_set:
            return label
    return None


# Attribute values worth a closer look (the exact check is `label_for_attributes`). XPath's contains()
# is slow when chained, so XPath only collects attribute values and a regex does the filtering.
ATTRIBUTE_VALUES_XPATH = XPath(
    ".//@class | .//@id | .//@role | .//@aria-label | .//@style | .//@hidden | .//@data-component"
    " | .//@data-module"
)
ATTRIBUTE_HINT = re.compile(
    r"cookie|consent|gdpr|cmp|newsletter|subscri|sign-?up|optin|mailing|shar|social|addtoany|a2a|related"
    r"|recommend|outbrain|taboola|recirc|trending|popular|read-?more|more-stories|most-?read|read-next"
    r"|also-read|you-may|live|ticker|breaking|latest|comment|disqus|respond|\bads?\b|\bad[-_]|[-_]ads?\b"
    r"|advert|sponsor|dfp|bio|author-?box|about-author|nav|menu|breadcrumb|skiplink|pagination|sidebar"
    r"|widget|footer|tags|cat-links|tag-links|none|hidden|search|complementary|contentinfo"
)  # matched against lower-cased values: IGNORECASE makes this alternation five times slower
FURNITURE_TAGS_XPATH = XPath(".//nav | .//footer | .//aside | .//header | .//*[starts-with(local-name(), 'amp-')]")

# The article body by markup; the clean-up never removes these or their ancestors.
MARKER_XPATH = XPath(".//article | .//main | .//*[@itemprop='articleBody' or @role='main' or @role='article']")
CLASS_VALUES_XPATH = XPath(".//@class")
BODY_CLASS = re.compile(r"entry-content|article-body|article-content|post-content|story-body|post-body")

# ---- wording ----------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    label: str
    kind: str  # "line": drop the line or its small box; "heading": drop the section it heads
    pattern: re.Pattern[str]


def _rule(label: str, kind: str, pattern: str) -> TextRule:
    return TextRule(label, kind, re.compile(pattern, re.IGNORECASE))


TEXT_RULES: tuple[TextRule, ...] = (
    _rule("related-links", "line", r"(read more|read also|also read|see also|related|more|watch|listen)\s*[:»|]"),
    _rule("newsletter", "line", r"get more (stuff|stories|news|like this)"),
    _rule("newsletter", "line", r"(subscribe|sign up)\b.{0,80}\b(newsletter|inbox|briefing|email)"),
    _rule("newsletter", "line", r".{0,80}\b(straight )?(in|to) your inbox\b.{0,60}$"),
    _rule("cookie-notice", "line", r"(we use cookies|this (web)?site uses cookies|we and our partners use)"),
    _rule("live-news", "heading", r"(live news|live updates|latest news|breaking news|just in|news ticker)$"),
    _rule("related-links", "heading",
          r"(related( articles| stories| posts| content| coverage| reading)?|more on this (story|topic)|read next"
          r"|read more|recommended( for you| reading)?|you (may|might) also like|most (read|popular|viewed)"
          r"|trending( now)?|popular( now| stories)?|more stories|more from .{1,40}|editor'?s picks):?$"),
    _rule("comments", "heading",
          r"((\d+\s+)?(comments?|responses?|thoughts|replies)( on .{1,120})?|leave a (reply|comment)"
          r"|join the (discussion|conversation)):?$"),
    _rule("share-bar", "heading", r"share( this( article| story| post| page)?)?:?$"),
    _rule("newsletter", "heading", r"(subscribe|newsletter|sign up|stay (informed|in touch))$"),
)  # fmt: skip

# Short text nodes are collected by XPath and filtered by this regex before the rules run.
SHORT_TEXT_XPATH = XPath(".//text()[string-length(.) < 300]")
TEXT_HINT = re.compile(
    r"read|related|more|inbox|newsletter|subscribe|sign up|cookies|live|latest|breaking|just in|ticker"
    r"|comment|repl|thoughts|respons|discussion|conversation|share|recommend|trending|popular|you m"
    r"|editor|also|watch|listen|stay in|partners use"
)  # matched against lower-cased text, as ATTRIBUTE_HINT
