"""`python -m bench.consent`: what lawful consent costs a page, beside the same page without it, same run.

Requests go straight into Django's WSGI handler (no sockets), on a temporary SQLite database with
60 articles, the full middleware stack and the site's real home page. Cases:
- "anchor": the consent machinery removed (its three middlewares, its context processor, and the
  banner, footer-links and snippets templates blanked);
- "no snippets": ours, nothing configured that needs consent (no banner: nothing to ask);
- "banner": ours, an analytics and a marketing snippet configured, a reader with no choice;
- "consented": ours, a reader who accepted all (snippets rendered with a CSP nonce, private page).
Prints the median CPU microseconds per request of each case over the rounds (the cases take turns in every
round), and each ratio to the anchor. The database is SQLite in this process, so CPU time is the whole cost.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from typing import Any, cast

os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-bench-consent-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ.pop("DATABASE_URL", None)

CONSENT_TEMPLATES = ("consent/banner.html", "consent/footer_links.html", "consent/snippets.html")
CONSENT_MIDDLEWARE = (
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsdesk.consent.middleware.ConsentMiddleware",
)


def environ(path: str, cookie: str = "") -> dict:
    env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT": "text/html",
    }  # fmt: skip
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def timed(app: Callable, path: str, cookie: str, requests: int) -> float:
    """CPU microseconds per request (this process's own: a busy machine does not count), body read in full."""

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")

    for _ in range(20):  # warm up: templates compiled, connection open
        b"".join(app(environ(path, cookie), start_response))
    began = time.process_time()
    for _ in range(requests):
        b"".join(app(environ(path, cookie), start_response))
    return (time.process_time() - began) / requests * 1e6


def setup_data() -> str:
    """Migrate, add articles and two snippets; returns an accept-all consent cookie."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.consent.models import Snippet
    from newsdesk.sources.models import Source

    call_command("migrate", verbosity=0)
    source = Source.objects.create(url="http://outlet.invalid/feed.xml", name="The Bench Courier")
    now = timezone.now()
    for n in range(60):
        Article.objects.create(
            source=source, url=f"http://outlet.invalid/story-{n}/", title=f"Story {n} about the harbour",
            published=now - timedelta(minutes=n), excerpt="Words about the harbour and the ferries. " * 8,
        )  # fmt: skip
    Snippet.objects.create(
        name="Stats", category="analytics", purpose="Counts", provider="Stats Ltd",
        html="<script src='https://stats.example.org/s.js' defer></script><script>window.q=[];</script>",
        csp_sources="https://stats.example.org",
    )  # fmt: skip
    Snippet.objects.create(
        name="Ads", category="marketing", purpose="Campaigns", provider="Ads plc",
        html="<img src='https://ads.example.net/p.gif' alt=''>", csp_sources="https://ads.example.net",
    )  # fmt: skip
    response = Client().post(
        "/privacy/consent/", {"action": "accept_all"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    return f"newsdesk_consent={response.cookies['newsdesk_consent'].value}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.consent", description=__doc__)
    parser.add_argument("--requests", type=int, default=100, help="requests per case per round")
    parser.add_argument("--rounds", type=int, default=15, help="rounds; medians are reported")
    parser.add_argument("--path", default="/", help="the page to request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from newsdesk.consent.current import snippet_cache
    from newsdesk.consent.models import Snippet

    cookie = setup_data()
    blank = dict.fromkeys(CONSENT_TEMPLATES, "")
    template_options: dict[str, Any] = dict(cast(dict[str, Any], settings.TEMPLATES[0]["OPTIONS"]))
    template_options["context_processors"] = [
        p for p in template_options["context_processors"] if not p.startswith("newsdesk.consent")
    ]
    template_options["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                ("django.template.loaders.locmem.Loader", blank),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
    anchor_settings = override_settings(
        MIDDLEWARE=[m for m in settings.MIDDLEWARE if m not in CONSENT_MIDDLEWARE],
        TEMPLATES=[{**settings.TEMPLATES[0], "APP_DIRS": False, "OPTIONS": template_options}],
    )

    results: dict[str, list[float]] = {"anchor": [], "no snippets": [], "banner": [], "consented": []}
    for _ in range(args.rounds):
        with anchor_settings:
            results["anchor"].append(timed(WSGIHandler(), args.path, "", args.requests))
        ours = WSGIHandler()
        Snippet.objects.update(enabled=False)
        snippet_cache.forget()
        results["no snippets"].append(timed(ours, args.path, "", args.requests))
        Snippet.objects.update(enabled=True)
        snippet_cache.forget()
        results["banner"].append(timed(ours, args.path, "", args.requests))
        results["consented"].append(timed(ours, args.path, cookie, args.requests))

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; page {args.path}, "
          f"{args.requests} requests x {args.rounds} rounds\n")  # fmt: skip
    anchor = statistics.median(results["anchor"])
    print("| case | median CPU µs/request | ratio to anchor |\n|---|---|---|")
    for label, values in results.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.0f} | {median / anchor:.2f}x |")


if __name__ == "__main__":
    main()
