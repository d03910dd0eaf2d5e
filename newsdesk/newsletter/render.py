"""Turning a digest (or a confirmation) into a multipart message: plain text plus inlined, responsive HTML.

The HTML is written with a <style> block and inlined with css-inline, because mail clients drop or
ignore <style> (Gmail keeps only inline styles in many views); the @media rules stay in a <style> block
for the clients that honour them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .digest import Digest
from .links import absolute, list_id, site_host


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    return _inliner().inline(html)


@dataclass(frozen=True)
class Recipient:
    email: str
    frequency: str
    links: dict[str, str]  # unsubscribe, preferences, export, delete
    topic_names: tuple[str, ...] = ()
    source_names: tuple[str, ...] = ()


def digest_subject(digest: Digest, frequency: str) -> str:
    count = len(digest.stories) + digest.more
    first = digest.stories[0].title
    if len(first) > 70:
        first = first[:69].rstrip() + "…"
    others = f" and {count - 1} more" if count > 1 else ""
    return f"{first}{others} · your {frequency} {settings.SITE_NAME} digest"


def digest_context(digest: Digest, recipient: Recipient) -> dict:
    picked = [*recipient.topic_names, *recipient.source_names]
    return {
        "site_name": settings.SITE_NAME,
        "site_url": absolute("/"),
        "digest": digest,
        "count": len(digest.stories) + digest.more,
        "recipient": recipient,
        "interests": ", ".join(picked) if picked else "all our stories",
        "today": timezone.now(),
    }


def digest_message(digest: Digest, recipient: Recipient, *, message_id: str) -> EmailMultiAlternatives:
    """A digest mail with the RFC 8058 one-click unsubscribe headers and a List-Id."""
    context = digest_context(digest, recipient)
    text = render_to_string("newsletter/email/digest.txt", context)
    html = inline_css(render_to_string("newsletter/email/digest.html", context))
    message = EmailMultiAlternatives(
        subject=digest_subject(digest, recipient.frequency),
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{recipient.links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(),
            "Message-ID": message_id,
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_message_id(run_id: int, subscriber_id: int) -> str:
    """Stable across retries and resumes, so a receiving system can tell a repeat from a new mail."""
    return f"<digest-{run_id}-{subscriber_id}@{site_host()}>"


def confirmation_message(email: str, url: str) -> EmailMultiAlternatives:
    context = {"site_name": settings.SITE_NAME, "site_url": absolute("/"), "confirm_url": url, "email": email}
    message = EmailMultiAlternatives(
        subject=f"Confirm your {settings.SITE_NAME} digest",
        body=render_to_string("newsletter/email/confirm.txt", context),
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        inline_css(render_to_string("newsletter/email/confirm.html", context)), "text/html"
    )
    return message
