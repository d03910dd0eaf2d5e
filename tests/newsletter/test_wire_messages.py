"""Digest mails built as bytes from shared parts (`newsletter.wire`): the same bytes as Django's path, and
each subscriber's own address and links, even when many subscribers share one digest."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.mail.message import sanitize_address
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.newsletter.digest import Digest, Story
from newsdesk.newsletter.links import manage_urls
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.render import DigestRenderer, Recipient, digest_message
from newsdesk.newsletter.sending import DigestSender
from newsdesk.newsletter.tokens import read_manage_token, read_unsubscribe_token
from newsdesk.newsletter.wire import Wired, plain_address

from .conftest import confirmed_subscriber, make_article, make_source, make_topic

_DATE = re.compile(rb"\r\nDate: [^\r]*\r\n")
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _story(n: int, title: str, *, also: tuple[str, ...] = ()) -> Story:
    return Story(n, title, f"{title}: a short summary of our own.", f"https://outlet.example/{n}", 1,
                 "Harbour Gazette", NOW - timedelta(hours=n), also=also)  # fmt: skip


def _recipient(email: str, key: str, topics: tuple[str, ...] = ("Transport",)) -> Recipient:
    return Recipient(email, "daily", manage_urls(key, f"manage-{key}"), topic_names=topics)


def _django_bytes(wired: Wired, digest: Digest, recipient: Recipient, message_id: str) -> bytes:
    message = digest_message(digest, recipient, message_id=message_id, renderer=wired.renderer).message()
    message.set_boundary(wired.frame.boundary.decode())
    return message.as_bytes(linesep="\r\n")  # type: ignore[call-arg]


def _same_but_date(ours: bytes, django: bytes) -> None:
    assert _DATE.search(ours)
    assert _DATE.search(django)
    assert _DATE.sub(b"\r\nDate: -\r\n", ours) == _DATE.sub(b"\r\nDate: -\r\n", django)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "digest",
    [
        Digest((_story(1, "Ferry fares frozen for the winter"),)),
        Digest(
            (_story(1, "Ferry fares frozen"), _story(2, "Fête du port à Saint-Aubin", also=("Hill Post",))),
            more=4,
        ),
        Digest((_story(3, "A very long title " * 8 + "that the Subject must fold over several lines"),)),
    ],
)
def test_wire_bytes_are_the_bytes_django_writes(digest: Digest) -> None:
    wired = Wired(DigestRenderer())
    for email, key in [("reader@example.org", "k1"), ("Another.Reader+news@mail.example.com", "k2")]:
        recipient = _recipient(email, key)
        built = wired.message(digest, recipient, f"<digest-7-{key}@news.example>")
        assert built is not None
        assert built.recipients() == [email]
        _same_but_date(built.wire, _django_bytes(wired, digest, recipient, f"<digest-7-{key}@news.example>"))
    assert wired.contents.built == 1  # both subscribers' mails came from one shared digest


@pytest.mark.django_db
def test_an_all_ascii_digest_says_7bit_as_django_does(settings) -> None:
    settings.SITE_NAME = "Newsdesk"
    wired = Wired(DigestRenderer())
    digest = Digest((_story(1, "Ferry fares frozen"),))
    recipient = _recipient("reader@example.org", "k1")
    text, html = wired.renderer.render(digest, recipient)
    built = wired.message(digest, recipient, "<digest-1-1@news.example>")
    assert built is not None
    django = _django_bytes(wired, digest, recipient, "<digest-1-1@news.example>")
    _same_but_date(built.wire, django)
    encodings = re.findall(rb"Content-Transfer-Encoding: (\w+)", django)
    assert encodings == [b"7bit" if text.isascii() else b"8bit", b"7bit" if html.isascii() else b"8bit"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "jöran@example.org",
        "reader@exämple.org",
        '"odd person"@example.org',
        "a..b@example.org",
        ".a@example.org",
    ],
)
def test_addresses_django_would_rewrite_take_djangos_path(email: str) -> None:
    wired = Wired(DigestRenderer())
    assert (
        wired.message(Digest((_story(1, "Ferry"),)), _recipient(email, "k1"), "<d-1-1@news.example>") is None
    )


@pytest.mark.django_db
def test_a_line_too_long_for_8bit_takes_djangos_path() -> None:
    wired = Wired(DigestRenderer())
    digest = Digest((_story(1, "Ferry " + "x" * 1200),))
    assert wired.message(digest, _recipient("reader@example.org", "k1"), "<d-1-1@news.example>") is None


@given(st.from_regex(r"[A-Za-z0-9_%+-]{1,12}(\.[A-Za-z0-9_%+-]{1,8}){0,2}@[A-Za-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}",
                     fullmatch=True))  # fmt: skip
def test_plain_addresses_are_left_as_they_are_by_django(address: str) -> None:
    assert plain_address(address)
    assert sanitize_address(address, "utf-8") == address


@pytest.mark.django_db
def test_subscribers_sharing_a_digest_each_get_only_their_own_links(smtp) -> None:
    transport = make_topic("transport")
    gazette = make_source("Harbour Gazette")
    now = timezone.now()
    for n in range(3):
        make_article(gazette, f"Quay story {n}", topics=[transport], stored=now - timedelta(minutes=10 + n))
    since = now - timedelta(days=1)
    people = [
        confirmed_subscriber(f"reader{n}@example.org", topics=[transport], since=since) for n in range(4)
    ]
    sender = DigestSender()
    report = sender.run(force=True)
    assert report.sent == 4
    assert sender.wired is not None
    assert sender.wired.contents.built == 1  # one shared digest for all four
    keys = {p.email: Subscriber.objects.values_list("key", "manage_key").get(pk=p.pk) for p in people}
    for person in people:
        (received,) = smtp.handler.to(person.email)
        message = received.message
        assert message["To"] == person.email
        key, manage_key = keys[person.email]
        unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
        assert read_unsubscribe_token(urlsplit(unsubscribe).path.rstrip("/").rsplit("/", 1)[1]) == key
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert unsubscribe in text
        assert unsubscribe in html
        assert person.email in text
        assert person.email in html
        links = set(re.findall(r"/(unsubscribe|preferences)/([^/\s\"<>]+)/", text + html))
        assert {page for page, _ in links} == {"unsubscribe", "preferences"}
        for page, token in links:
            if page == "unsubscribe":
                assert read_unsubscribe_token(token) == key
            else:
                assert read_manage_token(token).manage_key == manage_key
        for other in people:
            if other is not person:
                other_key, other_manage = keys[other.email]
                assert other.email not in received.raw.decode()
                assert other_key not in received.raw.decode()
                assert other_manage not in received.raw.decode()


@pytest.mark.django_db
def test_each_digest_shows_its_own_also_reported_list() -> None:
    """The same story, reached through different follows, is "also reported by" different outlets."""
    renderer = DigestRenderer()
    alone = Digest((_story(1, "Ferry fares frozen"),))
    shared = Digest((_story(1, "Ferry fares frozen", also=("Hill Post", "Valley Courier")),))
    recipient = _recipient("reader@example.org", "k1")
    text_alone, html_alone = renderer.render(alone, recipient)
    text_shared, html_shared = renderer.render(shared, recipient)
    assert "Also reported by" not in text_alone
    assert "Also reported by" not in html_alone
    assert "Also reported by Hill Post, Valley Courier" in text_shared
    assert "Hill Post, Valley Courier" in html_shared
