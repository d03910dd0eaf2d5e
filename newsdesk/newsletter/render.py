"""Turning a digest (or a confirmation) into a multipart message: plain text plus inlined, responsive HTML.

The HTML is written with a <style> block and inlined with css-inline, because mail clients drop or
ignore <style> (Gmail keeps only inline styles in many views); the @media rules stay in a <style> block
for the clients that honour them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.policy import Compat32
from functools import cache
from typing import Any

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .digest import Digest, Story
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


def frequency_word(frequency: str) -> str:
    """The word for how often a digest comes, in the site's language ("daily", "weekly")."""
    if frequency == "weekly":
        return pgettext("digest frequency", "weekly")
    return pgettext("digest frequency", "daily")


def digest_subject(digest: Digest, frequency: str) -> str:
    count = len(digest.stories) + digest.more
    first = digest.stories[0].title
    if len(first) > 70:
        first = first[:69].rstrip() + "…"
    values = {"first": first, "frequency": frequency_word(frequency), "site_name": settings.SITE_NAME}
    if count > 1:
        return ngettext(
            "%(first)s and %(others)s more · your %(frequency)s %(site_name)s digest",
            "%(first)s and %(others)s more · your %(frequency)s %(site_name)s digest",
            count - 1,
        ) % {**values, "others": count - 1}
    return _("%(first)s · your %(frequency)s %(site_name)s digest") % values


def _stories_phrase(count: int) -> str:
    return ngettext("%(count)s new story", "%(count)s new stories", count) % {"count": count}


def _more_phrase(count: int) -> str:
    return ngettext("%(count)s more new story", "%(count)s more new stories", count) % {"count": count}


def interests(recipient: Recipient) -> str:
    picked = [*recipient.topic_names, *recipient.source_names]
    return ", ".join(picked) if picked else _("all our stories")


# Stand-ins for what differs between digests; the frame is rendered once with them, then they are replaced.
_SLOT = "<!--NEWSDESK-STORIES-->"
_TEXT_SLOT = "NEWSDESK-STORIES-SLOT"
_STAND_INS = {
    "email": "NEWSDESK-EMAIL",
    "unsubscribe_url": "NEWSDESK-UNSUBSCRIBE-URL",
    "preferences_url": "NEWSDESK-PREFERENCES-URL",
    "interests": "NEWSDESK-INTERESTS",
    "count_phrase": "NEWSDESK-COUNT-PHRASE",
    "more_phrase": "NEWSDESK-MORE-PHRASE",
    "preheader": "NEWSDESK-PREHEADER",
}
# The stand-ins for what is the subscriber's own; the rest is shared by everyone with the same digest.
PERSONAL = {name: _STAND_INS[name] for name in ("email", "unsubscribe_url", "preferences_url")}


class DigestRenderer:
    """Renders digests from parts made once per run.

    Templates and CSS inlining are most of a message's cost (bench/newsletter). A digest is a frame around
    a list of stories, and within a run the same stories and the same few frames recur for thousands of
    readers. So each story is rendered and inlined once (inlined inside the real frame, so that it gets
    exactly the styles it would get in place), each frame once per frequency, and a digest is then joined
    from those parts, with the reader's own words and links put in (escaped). Memory is bounded by the
    run's stories, not by the number of readers.
    """

    def __init__(self) -> None:
        self.today = timezone.now()
        self._frames: dict[tuple[str, bool], tuple[str, str, str]] = {}
        self._story_html: dict[tuple[int, tuple[str, ...]], str] = {}
        self._story_text: dict[tuple[int, tuple[str, ...]], str] = {}

    def _context(self, frequency: str, has_more: bool, slot: str) -> dict[str, Any]:
        return {
            "site_name": settings.SITE_NAME,
            "site_url": absolute("/"),
            "frequency": frequency_word(frequency),
            "has_more": has_more,
            "today": self.today,
            "stories_slot": slot,
            **_STAND_INS,
        }

    def _frame(self, frequency: str, has_more: bool) -> tuple[str, str, str]:
        """(raw html, inlined html, text) of the frame, each with the stories' slot in it."""
        key = (frequency, has_more)
        if key not in self._frames:
            raw = render_to_string(
                "newsletter/email/digest.html", self._context(frequency, has_more, _SLOT), using="django"
            )
            context = self._context(frequency, has_more, _TEXT_SLOT)
            text = render_to_string("newsletter/email/digest.txt", context, using="django")
            self._frames[key] = (raw, inline_css(raw), text)
        return self._frames[key]

    def _story(self, story: Story, raw_frame: str) -> tuple[str, str]:
        # By the outlets that "also reported" it too: they depend on what else the subscriber follows.
        key = (story.id, story.also)
        if key not in self._story_html:
            fragment = render_to_string("newsletter/email/_story.html", {"story": story}, using="django")
            inlined = inline_css(raw_frame.replace(_SLOT, f"<!--S-->{fragment}<!--/S-->"))
            self._story_html[key] = inlined.split("<!--S-->", 1)[1].split("<!--/S-->", 1)[0]
            self._story_text[key] = render_to_string(
                "newsletter/email/_story.txt", {"story": story}, using="django"
            )
        return self._story_html[key], self._story_text[key]

    def shared(self, digest: Digest, frequency: str, interests_text: str) -> tuple[str, str]:
        """(text, html) of a digest with the personal stand-ins (`PERSONAL`) still in: what every
        subscriber with the same digest and interests shares."""
        raw, inlined, text = self._frame(frequency, digest.more > 0)
        parts = [self._story(story, raw) for story in digest.stories]
        count = len(digest.stories) + digest.more
        values = {
            "interests": interests_text,
            "count_phrase": _stories_phrase(count),
            "more_phrase": _more_phrase(digest.more),
            "preheader": f"{_stories_phrase(count)}: " + " · ".join(s.title for s in digest.stories[:3]),
        }
        html = inlined.replace(_SLOT, "".join(part[0] for part in parts))
        text = text.replace(_TEXT_SLOT, "".join(part[1] for part in parts))
        for name, value in values.items():
            html = html.replace(_STAND_INS[name], escape(value))
            text = text.replace(_STAND_INS[name], value)
        return text, html

    def render(self, digest: Digest, recipient: Recipient) -> tuple[str, str]:
        text, html = self.shared(digest, recipient.frequency, interests(recipient))
        for name, value in personal_values(recipient).items():
            html = html.replace(PERSONAL[name], escape(value))
            text = text.replace(PERSONAL[name], value)
        return text, html


def personal_values(recipient: Recipient) -> dict[str, str]:
    return {
        "email": recipient.email,
        "unsubscribe_url": recipient.links["unsubscribe"],
        "preferences_url": recipient.links["preferences"],
    }


def encoded_words(value: str) -> str:
    """RFC 2047 base64 encoded words for a header value that is not ASCII (unchanged if it is).

    What the email package's Header does for a UTF-8 subject, minus its cost: it weighs every split point
    of quoted-printable against base64, about a tenth of a digest's sending time. Each word holds at most
    39 bytes of whole characters (52 base64 characters, 64 with the delimiters: the first fits on the
    "Subject:" line, which Python's email folding would otherwise leave empty).
    """
    if value.isascii():
        return value
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in value:
        width = len(char.encode())
        if size + width > 39:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return " ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words)


class _ShortHeaders(Compat32):
    """Python's default mail policy, minus the cost of folding a header that needs no folding.

    compat32 passes every header through email.header.Header, which splits and re-joins even a short ASCII
    value: about an eighth of a digest's sending CPU (18 headers per digest, with its two parts). A short,
    single-line ASCII value with single spaces comes out of that unchanged, so it is written as is; any
    other value takes compat32's path.
    """

    def _as_is(self, name: str, value: Any) -> str | None:
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + 2 + len(value) <= (self.max_line_length or 78)
            and value.strip() == value
            and "  " not in value
            and not any(c in value for c in "\r\n\t\x0b\x0c")
        ):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name: str, value: str) -> str:
        return self._as_is(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        as_is = self._as_is(name, value)
        return as_is.encode("ascii") if as_is is not None else super().fold_binary(name, value)


SHORT_HEADERS = _ShortHeaders()


class DigestEmail(EmailMultiAlternatives):
    """Its Subject is encoded by `encoded_words`; `subject` stays the readable text.

    `handover`, when the sender sets it, is called just before the message's final dot (mailer.py).
    """

    handover: Callable[[], None] | None = None

    def message(self, *args: Any, **kwargs: Any) -> Message:
        readable, self.subject = self.subject, encoded_words(str(self.subject))
        try:
            built: Message = super().message(*args, **kwargs)
            built.policy = SHORT_HEADERS  # the generator takes the top message's policy for every part
            return built
        finally:
            self.subject = readable


def digest_message(
    digest: Digest, recipient: Recipient, *, message_id: str, renderer: DigestRenderer | None = None
) -> DigestEmail:
    """A digest mail with the RFC 8058 one-click unsubscribe headers and a List-Id."""
    text, html = (renderer or DigestRenderer()).render(digest, recipient)
    message = DigestEmail(
        subject=digest_subject(digest, recipient.frequency),
        body=text,
        to=[recipient.email],
        headers=digest_headers(recipient.links["unsubscribe"], message_id),
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_headers(unsubscribe_url: str, message_id: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(),
        "Message-ID": message_id,
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }


def digest_message_id(run_id: int, subscriber_id: int) -> str:
    """Stable across retries and resumes, so a receiving system can tell a repeat from a new mail."""
    return f"<digest-{run_id}-{subscriber_id}@{site_host()}>"


def confirmation_message(email: str, url: str) -> EmailMultiAlternatives:
    context = {"site_name": settings.SITE_NAME, "site_url": absolute("/"), "confirm_url": url, "email": email}
    message = EmailMultiAlternatives(
        subject=_("Confirm your %(site_name)s digest") % {"site_name": settings.SITE_NAME},
        body=render_to_string("newsletter/email/confirm.txt", context, using="django"),
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        inline_css(render_to_string("newsletter/email/confirm.html", context, using="django")), "text/html"
    )
    return message


def manage_link_message(email: str, url: str) -> EmailMultiAlternatives:
    """A fresh link to the subscriber's preferences, asked for on the site (text only)."""
    body = _(
        "Here is a fresh link to your %(site_name)s digest: your preferences, a copy of your data, and the\n"
        "button that deletes it.\n\n%(url)s\n\nIf you did not ask for it, you can ignore this mail.\n"
    ) % {"site_name": settings.SITE_NAME, "url": url}
    return EmailMultiAlternatives(
        subject=_("Your %(site_name)s digest settings") % {"site_name": settings.SITE_NAME},
        body=body,
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
