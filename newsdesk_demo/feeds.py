"""The outlets' feeds: RSS 2.0 (a plain one and a WordPress-like one), Atom 1.0 and JSON Feed 1.1.

Each names the demo's WebSub hub (rel="hub"; JSON Feed's `hubs`) and its own URL (rel="self"), as
feeds of outlets that push do, so Newsdesk subscribes and each drip release arrives in seconds.

Built with ElementTree and json, so escaping is the library's job, not ours. Each flavour
carries what real feeds of its kind carry (dc:creator, content:encoded, enclosures, tag: ids),
so the parse stage meets the variety it will meet in the wild.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime

from newsdesk_demo.content import Outlet
from newsdesk_demo.images import story_image
from newsdesk_demo.render import esc
from newsdesk_demo.site import Site
from newsdesk_demo.spam import hidden_spam_html
from newsdesk_demo.timeline import Placed

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}
# Prefixed names ("dc:creator") and xmlns attributes are written literally rather than through
# ET.register_namespace, whose registry is global: one feed's choice would leak into another's.
RSS_ROOT = {"version": "2.0", **{f"xmlns:{prefix}": uri for prefix, uri in NS.items()}}


def render_feed(site: Site, outlet: Outlet, now: datetime) -> bytes:
    items = site.timeline.visible(outlet.slug, now)
    updated = site.timeline.last_change(outlet.slug, now)
    if outlet.feed == "atom":
        return _atom(site, outlet, items, updated)
    if outlet.feed == "json":
        return _json_feed(site, outlet, items)
    return _rss(site, outlet, items, updated)


def content_html(site: Site, placed: Placed) -> str:
    """The full story as HTML, as feeds that carry full text give it."""
    story = placed.story
    figure = (
        f'<figure><img src="{esc(site.absolute(site.image_path(story)))}" alt="{esc(story.image_alt)}" '
        f'width="1200" height="675"></figure>'
    )
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    return figure + paragraphs + (hidden_spam_html(site, story.outlet) if story.injected_spam else "")


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _rss(site: Site, outlet: Outlet, items: list[Placed], updated: datetime) -> bytes:
    wordpress = outlet.slug == "bulletin"
    rss = ET.Element("rss", RSS_ROOT)
    channel = _sub(rss, "channel")
    _sub(channel, "title", outlet.name)
    _sub(channel, "link", site.absolute(f"/{outlet.slug}/"))
    _sub(channel, "description", outlet.tagline)
    _sub(channel, "language", outlet.language)
    _sub(channel, "lastBuildDate", format_datetime(updated, usegmt=True))
    _sub(channel, "generator", "WordPress 6.4" if wordpress else "Courier Publishing System 3")
    _sub(
        channel,
        "atom:link",
        href=site.absolute(outlet.feed_path),
        rel="self",
        type=outlet.feed_type,
    )
    _sub(channel, "atom:link", href=site.hub_url, rel="hub")
    image = _sub(channel, "image")
    _sub(image, "url", site.absolute(site.logo_path(outlet)))
    _sub(image, "title", outlet.name)
    _sub(image, "link", site.absolute(f"/{outlet.slug}/"))
    for placed in items:
        _rss_item(site, channel, placed, wordpress)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def _rss_item(site: Site, channel: ET.Element, placed: Placed, wordpress: bool) -> None:
    story = placed.story
    link = site.absolute(site.story_link(placed))
    image = site.absolute(site.image_path(story))
    item = _sub(channel, "item")
    _sub(item, "title", story.headline)
    _sub(item, "link", link)
    _sub(item, "pubDate", format_datetime(placed.published, usegmt=True))
    for author in story.authors:
        _sub(item, "dc:creator", author)
    for category in story.categories:
        _sub(item, "category", category)
    if wordpress:
        _sub(item, "guid", site.absolute(f"/{story.outlet}/?p={story.number}"), isPermaLink="false")
        _sub(item, "description", f"{story.standfirst} [\u2026]")
        _sub(item, "content:encoded", content_html(site, placed))
        _sub(item, "media:content", url=image, medium="image", type="image/svg+xml")
    else:
        _sub(item, "guid", link, isPermaLink="true")
        _sub(item, "description", story.standfirst)
        length = len(story_image(site.outlet_of(story), story))
        _sub(item, "enclosure", url=image, type="image/svg+xml", length=str(length))


def _atom(site: Site, outlet: Outlet, items: list[Placed], updated: datetime) -> bytes:
    feed = ET.Element("feed", {"xmlns": NS["atom"], "xml:lang": outlet.language})
    _sub(feed, "id", f"tag:{outlet.slug}.veyra.invalid,2019:feed")
    _sub(feed, "title", outlet.name)
    _sub(feed, "subtitle", outlet.tagline)
    _sub(feed, "updated", _rfc3339(updated))
    _sub(feed, "link", rel="alternate", type="text/html", href=site.absolute(f"/{outlet.slug}/"))
    _sub(feed, "link", rel="self", type=outlet.feed_type, href=site.absolute(outlet.feed_path))
    _sub(feed, "link", rel="hub", href=site.hub_url)
    _sub(feed, "logo", site.absolute(site.logo_path(outlet)))
    _sub(_sub(feed, "author"), "name", outlet.name)
    for placed in items:
        story = placed.story
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{outlet.slug}.veyra.invalid,2019:story-{story.number}")
        _sub(entry, "title", story.headline, type="text")
        _sub(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=site.absolute(site.story_link(placed)),
        )
        image = site.absolute(site.image_path(story))
        _sub(entry, "link", rel="enclosure", type="image/svg+xml", href=image)
        _sub(entry, "published", _rfc3339(placed.published))
        _sub(entry, "updated", _rfc3339(placed.updated))
        for author in story.authors:
            _sub(_sub(entry, "author"), "name", author)
        for category in story.categories:
            _sub(entry, "category", term=category.lower().replace(" ", "-"), label=category)
        _sub(entry, "summary", story.standfirst, type="text")
        _sub(entry, "content", content_html(site, placed), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _json_feed(site: Site, outlet: Outlet, items: list[Placed]) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": site.absolute(f"/{outlet.slug}/"),
        "feed_url": site.absolute(outlet.feed_path),
        "hubs": [{"type": "WebSub", "url": site.hub_url}],
        "description": outlet.tagline,
        "icon": site.absolute(site.logo_path(outlet)),
        "language": outlet.language,
        "authors": [{"name": outlet.name}],
        "items": [_json_item(site, outlet, p) for p in items],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")


def _json_item(site: Site, outlet: Outlet, placed: Placed) -> dict[str, object]:
    story = placed.story
    return {
        "id": f"{outlet.slug}-post-{story.number}",
        "url": site.absolute(site.story_link(placed)),
        "title": story.headline,
        "summary": story.standfirst,
        "content_html": content_html(site, placed),
        "image": site.absolute(site.image_path(story)),
        "date_published": _rfc3339(placed.published),
        "date_modified": _rfc3339(placed.updated),
        "authors": [{"name": name} for name in story.authors],
        "tags": list(story.categories),
        "language": outlet.language,
    }
