"""The consent parts of a page (`consent_banner()`, `consent_footer_links()`, `consent_snippets()` in the
public templates, newsdesk/web/jinja.py).

- The snippets the reader consented to (the operator's own HTML), server-side, with the CSP nonce. A snippet
  the reader has not consented to is not in the page at all: not hidden, absent.
- The cookie banner and the footer's consent links, rendered once per consent *state* and language.

A reader's banner depends on only a few things:
- whether it is shown at all (the registry asks something, and the reader has no current choice);
- whether the browser sent Global Privacy Control;
- the registry (what is asked);
- the language and the template environment;
- the page's own address (`next`: where the reader comes back to after choosing).

The first four have few combinations. Each one's HTML is rendered once, with a private-use mark where the
address goes, and kept in this process. The page's address is escaped and put in on every page. Nothing
else about the reader is in a kept part: the banner is shown only to a reader with no current choice,
whose switches are all off, and it carries no CSRF token (public forms use same-origin checks,
newsdesk/core/http.py), no cookie value and no consent id. A reader who has chosen gets no banner at all.

The footer's links ("Cookie settings" with `?next=`, the cookie policy, privacy) depend only on the
language and the page's address: kept per language, the address put in the same way.

Templates stay the operator's to override (consent/banner.html, consent/footer_links.html). They are
rendered with `consent` (the state's shape above) and `next` (the page's address), never with `request`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import urlencode
from django.utils.safestring import SafeString
from jinja2.runtime import Context

from newsdesk.core import frame
from newsdesk.core.markup import escape, safe

from .current import RequestConsent, get_consent
from .registry import Registry

BANNER_TEMPLATE = "consent/banner.html"
FOOTER_TEMPLATE = "consent/footer_links.html"
NEXT = "\ue002consent-next\ue003"  # private-use marks: never in a real address
_ENTRIES = 64  # a handful of states x languages; cleared whole when exceeded

_lock = threading.Lock()
_kept: dict[tuple[Any, ...], tuple[Registry | None, Any, str]] = {}


@dataclass(frozen=True)
class BannerState:
    """What a kept banner is drawn from: the same for every reader in this state, nothing of their own."""

    show_banner: bool
    gpc: bool
    registry: Registry
    granted_keys: tuple[str, ...] = ()  # a reader shown the banner has no current choice: nothing is on


def forget() -> None:
    """Drop the kept parts (tests; a changed template is otherwise seen after a restart, as with any)."""
    with _lock:
        _kept.clear()


def _page_address(context: Context) -> str:
    request = context.get("request")
    return str(request.get_full_path()) if request is not None else ""


def _kept_or_render(key: tuple[Any, ...], registry: Registry | None, engine: Any, render: Any) -> str:
    with _lock:
        held = _kept.get(key)
    # The key holds the registry's and the environment's ids: check they are the same objects, not new ones.
    if held is not None and held[0] is registry and held[1] is engine:
        return held[2]
    html = str(render())
    with _lock:
        if len(_kept) >= _ENTRIES:
            _kept.clear()
        _kept[key] = (registry, engine, html)
    return html


def _render(context: Context, name: str, values: dict[str, Any]) -> str:
    """Template `name` with `values` only: nothing else of the page's context (no request) reaches it."""
    return str(context.environment.get_template(name).render(values))


# An opening <script> or <style> tag without a nonce of its own.
_TAG = re.compile(r"<(script|style)\b(?![^>]*\bnonce=)", re.IGNORECASE)


def with_nonce(html: str, nonce: str) -> str:
    return _TAG.sub(lambda m: f'<{m.group(1)} nonce="{escape(nonce)}"', html)


def snippets(context: Context) -> SafeString:
    """The operator's snippets this reader consented to, each script and style with the page's CSP nonce."""
    request = context.get("request")
    # Only on pages rendered with the reader's consent (the context processor's `consent`).
    if request is None or not isinstance(context.get("consent"), RequestConsent):
        return safe("")
    chosen = get_consent(request).snippets()
    if not chosen:
        return safe("")
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    parts = [
        f"<!-- {escape(s.category)}: {escape(s.name)} -->\n{with_nonce(s.html, nonce) if nonce else s.html}"
        for s in chosen
    ]
    # The operator's own HTML, entered in the admin by staff: trusted like a template.
    return safe("\n".join(parts))  # the operator's snippets: trusted, as said above


def banner(context: Context) -> SafeString:
    """The cookie banner for this reader's consent state, or nothing."""
    consent = context.get("consent")
    if not isinstance(consent, RequestConsent):  # a page rendered without the consent context
        return safe("")
    show = consent.show_banner  # read first: the response now varies on the reader's cookie and GPC
    if not show or context.get("hide_consent_banner"):
        return safe("")
    registry, gpc = consent.registry, consent.gpc
    engine = context.environment
    key = ("banner", frame.language(), gpc, id(registry), id(engine), context.eval_ctx.autoescape)
    state = BannerState(show_banner=True, gpc=gpc, registry=registry)
    html = _kept_or_render(
        key, registry, engine, lambda: _render(context, BANNER_TEMPLATE, {"consent": state, "next": NEXT})
    )
    return safe(html.replace(NEXT, escape(_page_address(context))))  # escaped here


_NEXT_IN_QUERY = str(urlencode(NEXT))


def footer_links(context: Context) -> SafeString:
    """The "Cookie settings" link (back to this page after), the cookie policy and privacy links."""
    engine = context.environment
    key = ("footer", frame.language(), id(engine), context.eval_ctx.autoescape)
    html = _kept_or_render(key, None, engine, lambda: _render(context, FOOTER_TEMPLATE, {"next": NEXT}))
    address = escape(urlencode(_page_address(context)))
    return safe(html.replace(escape(_NEXT_IN_QUERY), address))  # escaped here
