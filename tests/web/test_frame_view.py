"""The frame's values (newsdesk/core/frame.py) are held for a public view's whole run, not only its
render, and given back when it ends, however it ends (decision 0029, h11d)."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation

from newsdesk.core import frame
from newsdesk.web.caching import public_page


def test_a_public_view_runs_with_the_frame_held() -> None:
    seen: list[tuple[int, str | None, str]] = []

    @public_page
    def view(request: HttpRequest) -> HttpResponse:
        seen.append((frame._held.depth, frame._held.language, frame._held.prefix))
        return HttpResponse("x")

    set_script_prefix("/news/")
    try:
        with translation.override("de"):
            view(RequestFactory().get("/"))
    finally:
        set_script_prefix("/")
    assert seen == [(1, "de", "/news/")]
    assert frame._held.depth == 0
    assert frame._held.language is None


def test_the_frame_is_given_back_when_a_public_view_fails() -> None:
    @public_page
    def view(request: HttpRequest) -> HttpResponse:
        raise Http404("no")

    with pytest.raises(Http404):
        view(RequestFactory().get("/"))
    assert frame._held.depth == 0
    assert frame._held.language is None
    with translation.override("de"):
        assert frame.language() == "de"


def test_the_held_zone_gives_djangos_local_time() -> None:
    import datetime

    from django.utils import timezone

    moment = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)  # a summer-time change in Europe
    for zone in ("UTC", "Europe/Berlin", "Asia/Kolkata"):
        with timezone.override(zone):
            expected = timezone.localtime(moment)
            assert frame.localtime(moment) == expected
            with frame.rendering():
                held = frame.localtime(moment)
                assert (held, held.tzinfo) == (expected, expected.tzinfo)
                assert held.isoformat() == expected.isoformat()
                with pytest.raises(ValueError, match="naive"):
                    frame.localtime(datetime.datetime(2026, 3, 10, 9, 5))
    assert frame._held.zone is None
