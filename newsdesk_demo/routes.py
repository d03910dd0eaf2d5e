"""Map a request path to a response, given the site and the time. Pure: no sockets here.

Keeping routing apart from http.server means tests and the server share one code path,
and the HTTP layer (server.py) only deals with headers and conditional GET.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from newsdesk_demo.content import Outlet
from newsdesk_demo.feeds import render_feed
from newsdesk_demo.images import logo_image, story_image
from newsdesk_demo.pages import article_page, home_page, index_page, simple_page
from newsdesk_demo.site import Site

HTML = "text/html; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"
ROBOTS = b"User-agent: *\nAllow: /\n"
IMAGE_MAX_AGE = 86400


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    max_age: int = 0
    location: str | None = None


def route(site: Site, target: str, now: datetime, page_max_age: int = 60) -> Response:
    """Answer GET `target` (path and query) at time `now`."""
    parts = urlsplit(target)
    query = parse_qs(parts.query)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        changed = max(site.timeline.last_change(o.slug, now) for o in site.outlets)
        return _html(index_page(site, now), changed, page_max_age)
    if segments == ["robots.txt"]:
        return Response(200, "text/plain; charset=utf-8", ROBOTS, site.timeline.start, IMAGE_MAX_AGE)
    outlet = site.outlet(segments[0])
    if outlet is None:
        return not_found()
    if not parts.path.endswith("/") and "." not in segments[-1]:
        return Response(
            301, HTML, b"", location=parts.path + "/" + (f"?{parts.query}" if parts.query else "")
        )
    changed = site.timeline.last_change(outlet.slug, now)
    return _outlet_route(site, outlet, segments[1:], query, now, changed, page_max_age)


def _outlet_route(
    site: Site, outlet: Outlet, rest: list[str], query: dict[str, list[str]], now: datetime,
    changed: datetime, max_age: int,
) -> Response:  # fmt: skip
    if not rest:
        if "p" in query:
            return _shortlink(site, outlet, query["p"][0], now)
        section = query.get("section", [""])[0].lower() or None
        return _html(home_page(site, outlet, now, section), changed, max_age)
    if rest == [outlet.feed_path.rsplit("/", 1)[1]]:
        content_type = outlet.feed_type + "; charset=utf-8"
        return Response(200, content_type, render_feed(site, outlet, now), changed, max_age)
    if len(rest) == 2 and rest[0] == "images":
        return _image(site, outlet, rest[1])
    if rest == ["about"]:
        return _html(simple_page(f"About {outlet.name}", outlet.about, outlet), site.timeline.start, max_age)
    if rest == ["share"]:
        return _html(
            simple_page("Share", "Sharing is switched off in this demo.", outlet), site.timeline.start, 0
        )
    if len(rest) == 2 and rest[0].isdigit():
        placed = site.timeline.find(outlet.slug, rest[1], now)
        if placed is not None and str(placed.published.year) == rest[0]:
            return _html(article_page(site, placed, now), changed, max_age)
    return not_found(outlet)


def _shortlink(site: Site, outlet: Outlet, number: str, now: datetime) -> Response:
    """WordPress-style /?p=123, the form of the hacked outlet's GUIDs."""
    placed = next((p for p in site.timeline.visible(outlet.slug, now) if str(p.story.number) == number), None)
    if placed is None:
        return not_found(outlet)
    return Response(301, HTML, b"", location=site.story_path(placed))


def _image(site: Site, outlet: Outlet, name: str) -> Response:
    if name == "logo.svg":
        return Response(200, SVG, logo_image(outlet), site.timeline.start, IMAGE_MAX_AGE)
    story = next((s for s in outlet.all_stories() if f"{s.slug}.svg" == name), None)
    if story is None:
        return not_found(outlet)
    return Response(200, SVG, story_image(outlet, story), site.timeline.start, IMAGE_MAX_AGE)


def not_found(outlet: Outlet | None = None) -> Response:
    page = simple_page("Page not found", "There is no page at this address.", outlet)
    return Response(404, HTML, page.encode("utf-8"))


def _html(page: str, changed: datetime, max_age: int) -> Response:
    return Response(200, HTML, page.encode("utf-8"), changed, max_age)
