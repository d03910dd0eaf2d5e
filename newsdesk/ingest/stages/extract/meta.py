"""Page metadata, read with trafilatura's own readers where they exist.

We call trafilatura's metadata pieces one by one rather than `extract_metadata`, which also looks for
categories, tags and licences we do not use and runs htmldate's extensive date search: together about
half of the time it takes. Dates have their own module (dates.py).
"""

from __future__ import annotations

import html
import json
import re
from contextlib import suppress
from dataclasses import dataclass

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

from newsdesk.core.urls import safe_url
from newsdesk.ingest.stages.extract.jsonld import article_dates
from newsdesk.ingest.stages.extract.titles import choose_title

_CANONICAL_XPATH = XPath(
    ".//link[@href][contains(translate(@rel, 'CANONICAL', 'canonical'), 'canonical')]/@href"
)
_OG_URL_XPATH = XPath(".//meta[@property='og:url' or @name='og:url'][@content]/@content")
_JSON_LD_XPATH = XPath(".//script[@type='application/ld+json']/text()")
_JSON_LD_ELEMENTS = XPath(".//script[@type='application/ld+json']")
_LETTER_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
_JSON_HEADLINE = re.compile(r'"headline"\s*:\s*"((?:[^"\\]|\\.){1,400})"')
_JSON_LANGUAGE = re.compile(r'"inLanguage"\s*:\s*"([^"]{2,20})"')
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:-]\s+")


@dataclass
class PageMeta:
    title: str | None = None
    author: str | None = None  # trafilatura's form: "Ana Ruiz; Tom Lee"
    description: str | None = None
    site_name: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    json_ld_date: str | None = None
    json_ld_modified: str | None = None
    json_ld_language: str | None = None


def read_metadata(root: HtmlElement, url: str | None) -> PageMeta:
    """Everything we take from <head>, JSON-LD and the page title, before any clean-up."""
    document = examine_meta(root)
    _decode_letter_entities(root)
    with suppress(
        ValueError, TypeError, AttributeError, KeyError, RecursionError
    ):  # malformed JSON-LD is common
        document = extract_meta_json(root, document)
    site_name = _text_or_none(document.sitename) or _site_from_title(root)
    texts = [str(text) for text in _JSON_LD_XPATH(root)]
    scripts = " ".join(texts)
    dates = article_dates(texts)
    meta = PageMeta(
        title=choose_title(root, dates.headline or _json_ld_headline(scripts), document.title, site_name)
        or _text_or_none(extract_title(root)),
        author=document.author,
        description=_text_or_none(document.description),
        site_name=site_name,
        image=document.image,
    )
    base = url
    canonical = _first(_CANONICAL_XPATH(root)) or _first(_OG_URL_XPATH(root))
    meta.canonical_url = safe_url(canonical, base) if canonical else None
    if meta.canonical_url and not url:
        base = meta.canonical_url
    meta.image = safe_url(meta.image, base)
    meta.json_ld_date, meta.json_ld_modified = dates.published, dates.modified
    meta.json_ld_language = _group(_JSON_LANGUAGE.search(scripts))
    return meta


def _decode_letter_entities(root: HtmlElement) -> None:
    """Decode HTML entities that stand for letters in JSON-LD ("Redacci&oacute;n"), which a script's
    text keeps as written: trafilatura's author tidying would split the name at "&" and ";"."""
    for script in _JSON_LD_ELEMENTS(root):
        if script.text and "&" in script.text:
            script.text = _LETTER_ENTITY.sub(_letter, script.text)


def _letter(match: re.Match[str]) -> str:
    decoded = html.unescape(match.group(0))
    return decoded if decoded.isalpha() else match.group(0)


def _json_ld_headline(scripts: str) -> str | None:
    """The first JSON-LD `headline`, its escapes decoded ("\\u00e4" is "ä")."""
    match = _JSON_HEADLINE.search(scripts)
    if not match:
        return None
    try:
        value = json.loads(f'"{match.group(1)}"')
    except ValueError:
        return None
    return html.unescape(value) if isinstance(value, str) else None


def _site_from_title(root: HtmlElement) -> str | None:
    title = _text_or_none(root.findtext(".//title"))
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    return parts[-1] if len(parts) > 1 and len(parts[-1]) < 60 else None


def _text_or_none(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(value.split())
    return text or None


def _first(values: list[str]) -> str | None:
    return str(values[0]).strip() if values else None


def _group(match: re.Match[str] | None) -> str | None:
    return match.group(1) if match else None
