"""HTTP helpers shared by the public apps.

Public pages set no cookie, so public forms (newsletter signup, the consent banner) cannot use
Django's CSRF cookie. They use `same_origin_post` instead: a POST must come from our own origin,
as the browser tells through Sec-Fetch-Site, Origin or, failing both, Referer. Cross-site form
posts are refused; a request with none of the three (curl, old clients) is let through, because
it carries no ambient credentials for an attacker to ride on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt


def is_same_origin(request: HttpRequest) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in {"same-origin", "none"}
    ours = f"{request.scheme}://{request.get_host()}"
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        return origin == ours
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == ours
    return origin is None


def same_origin_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Exempt a view from the CSRF cookie check, and refuse cross-origin POSTs instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "POST" and not is_same_origin(request):
            return HttpResponseForbidden("Cross-site form posts are not accepted.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def forwarded_client(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The client's address: the connection's, or the one `trusted_proxies` hops from the end of
    X-Forwarded-For (each trusted proxy appends the address it saw). A client's own X-Forwarded-For is
    believed only that far, so behind no proxy it is ignored."""
    if trusted_proxies > 0:
        forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return remote_addr or "unknown"


def client_address(request: HttpRequest) -> str:
    """The client's address for limits and pseudonyms (NEWSDESK_TRUSTED_PROXIES hops of X-Forwarded-For)."""
    from django.conf import settings

    return forwarded_client(
        request.META.get("REMOTE_ADDR") or "",
        request.headers.get("X-Forwarded-For", ""),
        int(settings.NEWSDESK_SITE["TRUSTED_PROXIES"]),
    )


def safe_next(candidate: str | None, request: HttpRequest, default: str = "") -> str:
    """`candidate` if it is a path on this site to send the reader on to, else `default`.

    Only a local path ("/privacy/", never "//host/" or "https://host/") is taken, and Django's own
    check has the last word on what browsers would read as another host ("/\\host"): never an open
    redirect.
    """
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return default
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return candidate
