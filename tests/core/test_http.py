"""safe_next: where a reader may be sent on to after a form, on requests built by Django's RequestFactory."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from newsdesk.core.http import safe_next

HOST = "news.example"


def _request(secure: bool = False):
    return RequestFactory().get("/", HTTP_HOST=HOST, secure=secure)


@pytest.mark.parametrize("path", ["/", "/privacy/cookies/?x=1", "/article/42-ferry/#top", "/search/?q=a%20b"])
def test_local_paths_are_kept(path: str) -> None:
    assert safe_next(path, _request()) == path
    assert safe_next(path, _request(secure=True)) == path


@pytest.mark.parametrize(
    "target",
    [
        None, "", "https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example",
        "\\\\evil.example", "javascript:alert(1)", f"https://{HOST}/privacy/", f"//{HOST}/privacy/",
        "privacy/", " /privacy/", "\x00/privacy/", "data:text/html,hi",
    ],
)  # fmt: skip
def test_anything_else_gives_the_default(target: str | None) -> None:
    assert safe_next(target, _request()) == ""
    assert safe_next(target, _request(), "/") == "/"
