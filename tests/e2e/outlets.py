# ruff: noqa: E501  (fixture prose reads better unwrapped)
"""Three small fictional outlets for end-to-end tests, written for these tests.

- Alder Valley Times (RSS 2.0, gzip, ETag): one normal story, one whose page answers 404, one whose
  link redirects to the page.
- Brook Street Wire (Atom, labelled ISO-8859-1 but sent as UTF-8): a syndicated copy of Alder's first
  story behind a tracking-parameter link, and one story of its own.
- Cinder Post: its feed answers 500.
"""

from __future__ import annotations

from tests.support.loopback import LoopbackServer, Reply, SeenRequest, redirect, reply

ALDER_1_TITLE = "Alder Valley opens its first night library"
ALDER_1_TEXT = [
    "The Alder Valley council opened the region's first night library on Tuesday, keeping the reading room on "
    "Mill Lane open until two in the morning for shift workers, students and anyone who cannot sleep.",
    "Librarian Oona Feld said the idea came from nurses at the valley hospital, who finish late and found every "
    "quiet public room in town already locked by the time their shifts ended.",
    "The trial will run for six months. The council will count visitors each night and ask them what they read, "
    "what they needed and whether the late hours changed how often they came at all.",
    "Heating and staffing the building overnight costs less than the council expected, because the reading room "
    "shares its boiler with the swimming baths next door, which already run through the night.",
]
ALDER_2_TITLE = "Ferry timetable changes for the winter season"
ALDER_2_SUMMARY = "The valley ferry will run every forty minutes from December, with a late boat on Fridays."
ALDER_3_TITLE = "Orchard growers try a shared cold store"
ALDER_3_TEXT = [
    "Seven orchard growers in the upper valley have pooled their money to build a shared cold store, so that "
    "apples picked in October can still reach market in good condition in March.",
    "Until now each farm kept its own small store, and most were too warm by midwinter. The new building keeps "
    "a steady two degrees and is run by a cooperative the growers set up this summer.",
    "Grower Pell Amari said the store would let the farms sell later in the season, when prices are higher, "
    "instead of selling everything at once at harvest when every orchard floods the market.",
]
BROOK_OWN_TITLE = "Café owners on Brook Street agree to share one delivery van"
BROOK_OWN_TEXT = [
    "Five café owners on Brook Street have agreed to share one electric delivery van, cutting the number of "
    "morning deliveries on the narrow street from eleven to two.",
    "The owners of Café Zürich, the Crème Room and three others signed the agreement on Monday. Residents had "
    "complained for years about vans blocking the pavement between six and nine.",
    "The van will be kept at the depot behind the market hall and charged overnight, and each café pays a share "
    "of its running costs according to how many crates it orders in a month.",
]

FURNITURE_TOP = """
<div class="cookie-banner">This website uses cookies to improve your experience. We'll assume you're ok with this,
but you can opt-out if you wish. <a href="#">Accept</a> <a href="#">Read More</a></div>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
"""
FURNITURE_BOTTOM = """
<div class="share-bar">Share this: <a href="#">Post</a> <a href="#">Mail</a></div>
<aside class="newsletter"><h3>Get more stuff like this in your inbox</h3>
<form><input name="email"><button>Subscribe</button></form></aside>
<aside class="widget live-news"><h3>Live News</h3><ul><li><a href="/x">Another headline entirely</a></li></ul></aside>
<footer>Copyright the outlet</footer>
"""


def page(title: str, paragraphs: list[str], *, canonical: str, author: str, date: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Outlet</title>
<link rel="canonical" href="{canonical}">
<meta property="og:title" content="{title}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}">
</head><body>{FURNITURE_TOP}<main><article><h1>{title}</h1><p class="byline">By {author}</p>
{body}</article></main>{FURNITURE_BOTTOM}</body></html>"""


def alder_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Alder Valley Times</title><link>{base}/alder/</link>
<description>News from the valley</description>
<item><title>{ALDER_1_TITLE}</title><link>{base}/alder/night-library</link><guid>alder-1</guid>
<pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate><author>desk@alder.test (Oona Feld)</author>
<category>Culture</category><description>The reading room stays open until 2am.</description></item>
<item><title>{ALDER_2_TITLE}</title><link>{base}/alder/ferry</link><guid>alder-2</guid>
<pubDate>Mon, 02 Nov 2026 07:00:00 +0000</pubDate><description>{ALDER_2_SUMMARY}</description></item>
<item><title>{ALDER_3_TITLE}</title><link>{base}/alder/go/orchards</link><guid>alder-3</guid>
<pubDate>Mon, 02 Nov 2026 06:00:00 +0000</pubDate><description>A cold store for seven farms.</description></item>
</channel></rss>"""


def brook_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="iso-8859-1"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Brook Street Wire</title><id>urn:brook</id>
<link href="{base}/brook/"/><updated>2026-11-02T09:00:00Z</updated>
<entry><title>{ALDER_1_TITLE}</title><id>urn:brook:copy-1</id>
<link href="{base}/brook/copy/night-library?utm_source=rss&amp;utm_medium=feed&amp;fbclid=x1"/>
<updated>2026-11-02T09:00:00Z</updated><summary>Syndicated from Alder Valley Times.</summary></entry>
<entry><title>{BROOK_OWN_TITLE}</title><id>urn:brook:2</id><link href="{base}/brook/vans"/>
<updated>2026-11-02T08:30:00Z</updated><summary>Fewer vans, quieter mornings.</summary></entry>
</feed>"""


class Outlets:
    """Routes the three outlets on `server`; counts the requests that mattered."""

    ETAG = '"alder-v1"'

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        base = server.url("").rstrip("/")
        self.base = base
        alder_canonical = f"{base}/alder/night-library"
        server.route("/alder/feed.xml", self._alder_feed)
        server.route(
            "/alder/night-library",
            reply(
                page(ALDER_1_TITLE, ALDER_1_TEXT, canonical=alder_canonical, author="Oona Feld",
                     date="2026-11-02T08:00:00+00:00"),
                "text/html; charset=utf-8",
            ),
        )  # fmt: skip
        server.route("/alder/ferry", reply("<h1>Not found</h1>", "text/html", status=404))
        server.route("/alder/go/orchards", redirect("/alder/orchards", status=301))
        server.route(
            "/alder/orchards",
            reply(
                page(ALDER_3_TITLE, ALDER_3_TEXT, canonical=f"{base}/alder/orchards", author="Pell Amari",
                     date="2026-11-02T06:00:00+00:00"),
                "text/html; charset=utf-8", encoding="gzip",
            ),
        )  # fmt: skip
        # The Atom feed says ISO-8859-1 in its declaration and header, but its bytes are UTF-8.
        server.route(
            "/brook/atom.xml",
            reply(brook_feed(base).encode("utf-8"), "application/atom+xml; charset=iso-8859-1"),
        )
        server.route(
            "/brook/copy/night-library",
            reply(
                page(ALDER_1_TITLE, ALDER_1_TEXT, canonical=alder_canonical, author="Oona Feld",
                     date="2026-11-02T08:00:00+00:00"),
                "text/html; charset=utf-8",
            ),
        )  # fmt: skip
        server.route(
            "/brook/vans",
            reply(
                page(BROOK_OWN_TITLE, BROOK_OWN_TEXT, canonical=f"{base}/brook/vans", author="Ines Varga",
                     date="2026-11-02T08:30:00+00:00"),
                "text/html; charset=utf-8",
            ),
        )  # fmt: skip
        server.route("/cinder/feed.xml", reply("upstream exploded", status=500))
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))

    def _alder_feed(self, request: SeenRequest) -> Reply:
        if request.headers.get("if-none-match") == self.ETAG:
            return Reply(status=304, headers=(("ETag", self.ETAG),))
        answer = reply(alder_feed(self.base), "application/rss+xml; charset=utf-8", encoding="gzip")
        return Reply(status=200, body=answer.body, headers=(*answer.headers, ("ETag", self.ETAG)))

    def feed_urls(self) -> dict[str, str]:
        return {
            "alder": f"{self.base}/alder/feed.xml",
            "brook": f"{self.base}/brook/atom.xml",
            "cinder": f"{self.base}/cinder/feed.xml",
        }
