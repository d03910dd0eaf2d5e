"""The consent parts of a page.

- `{% consent_snippets %}`: the operator's snippets the reader consented to, server-side, with the CSP
  nonce. A snippet the reader has not consented to is not in the page at all: not hidden, absent.
- `{% consent_banner %}` and `{% consent_footer_links %}`: the cookie banner and the footer's links,
  kept per consent state and language (newsdesk/consent/kept.py), with the page's address put in.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.consent import kept
from newsdesk.consent.current import RequestConsent, get_consent

register = template.Library()

# An opening <script> or <style> tag without a nonce of its own.
_TAG = re.compile(r"<(script|style)\b(?![^>]*\bnonce=)", re.IGNORECASE)


def with_nonce(html: str, nonce: str) -> str:
    return _TAG.sub(lambda m: f'<{m.group(1)} nonce="{escape(nonce)}"', html)


@register.simple_tag(takes_context=True)
def consent_snippets(context: template.Context) -> SafeString:
    request = context.get("request")
    # Only on pages rendered with the reader's consent (the context processor's `consent`).
    if request is None or not isinstance(context.get("consent"), RequestConsent):
        return mark_safe("")
    snippets = get_consent(request).snippets()
    if not snippets:
        return mark_safe("")
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    parts = [
        f"<!-- {escape(s.category)}: {escape(s.name)} -->\n{with_nonce(s.html, nonce) if nonce else s.html}"
        for s in snippets
    ]
    # The operator's own HTML, entered in the admin by staff: trusted like a template.
    return mark_safe("\n".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def consent_banner(context: template.Context) -> SafeString:
    return kept.banner(context)


@register.simple_tag(takes_context=True)
def consent_footer_links(context: template.Context) -> SafeString:
    return kept.footer_links(context)
