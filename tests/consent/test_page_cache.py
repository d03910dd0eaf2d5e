"""The page cache in front of Django (newsdesk/core/pagecache.py) with consent: nothing leaks."""

from __future__ import annotations

import sys
from io import BytesIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from newsdesk.core.pagecache import PageCache

pytestmark = pytest.mark.django_db(transaction=True)  # the handler closes connections after each request


def get(app, path: str = "/", **headers: str) -> tuple[str, dict[str, str], str]:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    answer: dict[str, object] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: object = None) -> None:
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response)).decode()
    return str(answer["status"]), answer["headers"], body  # type: ignore[return-value]


def test_the_cache_never_serves_a_snippet_or_one_readers_page_to_another(analytics_snippet):
    app = PageCache(WSGIHandler(), ttl=60)
    status, headers, body = get(app)
    assert status.startswith("200")
    assert headers["X-Page-Cache"] == "MISS"
    assert {"cookie", "sec-gpc"} <= {v.strip().lower() for v in headers["Vary"].split(",")}
    assert "data-consent-banner" in body
    assert "count.js" not in body

    cookie = Client().post(
        "/privacy/consent/", {"action": "accept_all"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    consented = f"newsdesk_consent={cookie.cookies['newsdesk_consent'].value}"
    _, headers, body = get(app, Cookie=consented)
    assert "X-Page-Cache" not in headers  # a reader with a cookie goes past the cache
    assert "count.js" in body
    assert "private" in headers["Cache-Control"]

    _, headers, body = get(app)
    assert headers["X-Page-Cache"] == "HIT"
    assert "count.js" not in body
    assert "data-consent-banner" in body

    _, headers, body = get(app, **{"Sec-GPC": "1"})
    assert headers["X-Page-Cache"] == "MISS"  # GPC is part of the key
    assert "Global Privacy Control" in body
    assert "count.js" not in body
    _, headers, body = get(app)
    assert "Global Privacy Control" not in body
