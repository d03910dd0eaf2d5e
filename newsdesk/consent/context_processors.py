"""`consent` in every template rendered with a request. Lazy: nothing is read until a template asks."""

from __future__ import annotations

from django.http import HttpRequest

from .current import RequestConsent, get_consent


def consent(request: HttpRequest) -> dict[str, RequestConsent]:
    return {"consent": get_consent(request)}
