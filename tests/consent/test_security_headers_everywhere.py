"""The pages' security headers are also on static files (served by whitenoise before the middleware that
adds CSP and Permissions-Policy) and on the live stream (served without Django)."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db
SAME = ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
        "Referrer-Policy", "Cross-Origin-Opener-Policy")  # fmt: skip


def _same(name: str, value: str | None) -> object:
    """A header's meaning: CSP directives in any order (django-csp does not keep one)."""
    if name.lower() == "content-security-policy" and value is not None:
        return frozenset(part.strip() for part in value.split(";"))
    return value


def _page_headers() -> dict[str, object]:
    page = Client().get("/robots.txt")
    assert page.status_code == 200
    return {name: _same(name, page[name]) for name in SAME}


@pytest.mark.parametrize("asset", ["web/site.css", "live/live.js", "consent/consent.js"])
def test_static_files_carry_the_pages_headers(asset: str) -> None:
    answer = Client().get(static(asset))
    assert answer.status_code == 200
    expected = _page_headers()
    for name in SAME:
        assert _same(name, answer.get(name)) == expected[name], name
    assert "frame-ancestors 'none'" in answer["Content-Security-Policy"]
    assert "nonce-" not in answer["Content-Security-Policy"]


def test_the_live_stream_carries_the_pages_headers() -> None:
    from tests.live.helpers import web_server

    from .test_security_headers_everywhere_support import head

    expected = _page_headers()
    with web_server() as server:
        for path in ("/live/stream", "/live/stream?topic=???"):  # the stream, and its error answer
            headers = head(server.url(path))
            for name in SAME:
                assert _same(name, headers.get(name.lower())) == expected[name], (path, name)


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_an_unsafe_next_after_the_admin_login_goes_to_the_admin(unsafe: str) -> None:
    from django.contrib.auth.models import User
    from django.core.cache import cache

    cache.clear()
    User.objects.create_user("desk", password="right horse battery", is_staff=True)
    answer = Client().post(
        f"/admin/login/?next={unsafe}",
        {"username": "desk", "password": "right horse battery", "next": unsafe},
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/"
