"""Gives every request its consent (`request.consent`), and marks responses that depend on it.

A response that looked at the reader's consent varies on `Cookie` and `Sec-GPC`, so no cache hands one
reader's page to another; one for a reader with a consent cookie is also `private`. The origins of the
snippets actually rendered are added to that response's Content-Security-Policy, and to no other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .current import RequestConsent, get_consent

SNIPPET_DIRECTIVES = ("script-src", "connect-src", "img-src", "style-src", "frame-src")


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        consent = RequestConsent(request)
        request.consent = consent  # type: ignore[attr-defined]
        response = self.get_response(request)
        if consent.was_consulted:
            patch_vary_headers(response, ("Cookie", "Sec-GPC"))
            if consent.state.choice is not None:
                patch_cache_control(response, private=True)
        origins = sorted({o for s in consent.rendered for o in s.csp_sources.split()})
        if origins:
            response._csp_update = dict.fromkeys(SNIPPET_DIRECTIVES, origins)  # type: ignore[attr-defined]
        return response


__all__ = ["ConsentMiddleware", "get_consent"]
