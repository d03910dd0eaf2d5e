"""Storing spam counts against the source; repeated spam holds it; approve and reject."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.actions import (
    Stored,
    do_approve_article,
    do_reject_article,
    do_store_article,
    do_update_article,
)
from newsdesk.articles.models import Article
from newsdesk.articles.serialize import article_json
from newsdesk.articles.signals import article_stored
from newsdesk.sources.actions import do_hold_source, do_record_spam, do_release_source
from newsdesk.sources.models import Source
from tests.integrity.helpers import draft, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What article_stored announced, as dicts."""
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    article_stored.connect(receiver, dispatch_uid="test-integrity-heard")
    yield seen
    article_stored.disconnect(dispatch_uid="test-integrity-heard")


def store(d) -> Article:
    stored, article_id = do_store_article(d)
    assert stored is Stored.CREATED
    assert article_id is not None
    return Article.objects.get(pk=article_id)


def test_spam_is_stored_quarantined_with_its_record_and_counts_against_the_source() -> None:
    bulletin = source()
    article = store(draft(bulletin.pk, spam=True))
    assert article.status == Article.Status.QUARANTINED
    assert article.flags == ["spam"]
    assert article.integrity["decision"] == "spam"
    bulletin.refresh_from_db()
    assert bulletin.spam_count == 1
    assert bulletin.last_spam_at is not None
    assert not bulletin.is_held


def test_clean_articles_do_not_count() -> None:
    bulletin = source()
    store(draft(bulletin.pk))
    bulletin.refresh_from_db()
    assert bulletin.spam_count == 0


def test_the_third_spam_within_the_window_holds_the_source(settings) -> None:
    settings.NEWSDESK_INTEGRITY = {
        **settings.NEWSDESK_INTEGRITY,
        "SPAM_HOLD_AFTER": 3,
        "SPAM_WINDOW_DAYS": 30,
    }
    bulletin = source()
    store(draft(bulletin.pk, spam=True))
    store(draft(bulletin.pk, planted=True))
    bulletin.refresh_from_db()
    assert (bulletin.spam_count, bulletin.is_held) == (2, False)
    store(draft(bulletin.pk, spam=True, title="Slot Gacor Maxwin Terbaru"))
    bulletin.refresh_from_db()
    assert bulletin.is_held
    assert bulletin.held_reason.startswith("3 spam items within 30 days, the last: a spam item “Slot Gacor")


def test_spam_older_than_the_window_is_forgotten(settings) -> None:
    settings.NEWSDESK_INTEGRITY = {**settings.NEWSDESK_INTEGRITY, "SPAM_HOLD_AFTER": 2, "SPAM_WINDOW_DAYS": 7}
    bulletin = source()
    now = timezone.now()
    do_record_spam(bulletin.pk, now=now - timedelta(days=8), what="old")
    held = do_record_spam(bulletin.pk, now=now, what="new")
    assert (held.spam_count, held.is_held) == (1, False)
    held = do_record_spam(bulletin.pk, now=now + timedelta(days=1), what="again")
    assert (held.spam_count, held.is_held) == (2, True)


def test_zero_never_holds(settings) -> None:
    settings.NEWSDESK_INTEGRITY = {**settings.NEWSDESK_INTEGRITY, "SPAM_HOLD_AFTER": 0}
    bulletin = source()
    for _ in range(5):
        do_record_spam(bulletin.pk, now=timezone.now(), what="x")
    bulletin.refresh_from_db()
    assert bulletin.spam_count == 5
    assert not bulletin.is_held


def test_hold_and_release_by_hand() -> None:
    bulletin = source()
    do_record_spam(bulletin.pk, now=timezone.now(), what="x")
    held = do_hold_source(bulletin.pk, now=timezone.now(), reason="  Looks   hacked. ")
    assert held.is_held
    assert held.held_reason == "Looks hacked."
    released = do_release_source(bulletin.pk)
    assert (released.is_held, released.held_reason, released.spam_count) == (False, "", 0)


def test_approve_publishes_announces_and_forgives_the_source(
    heard, django_capture_on_commit_callbacks
) -> None:
    bulletin = source()
    article = store(draft(bulletin.pk, spam=True))
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved = do_approve_article(article.pk, reviewer="editor")
    assert approved.status == Article.Status.PUBLISHED
    assert approved.flags == []  # "spam" no longer says why it waits; the review is not a flag
    assert approved.approved
    assert approved.integrity["review"]["decision"] == "approved"
    assert approved.integrity["review"]["by"] == "editor"
    assert approved.integrity["decision"] == "spam"  # what the machine said stays on record
    shown = article_json(Article.objects.get(pk=article.pk))
    assert (shown["status"], shown["flags"], shown["review"]) == ("published", [], approved.review)
    assert heard == [{"signal": article_stored, "article_id": article.pk, "created": False,
                      "status": "published", "approved": True}]  # fmt: skip
    assert Source.objects.get(pk=bulletin.pk).spam_count == 0


def test_approving_twice_changes_nothing(heard, django_capture_on_commit_callbacks) -> None:
    article = store(draft(source().pk, spam=True))
    do_approve_article(article.pk)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_approve_article(article.pk)
    assert heard == []


def test_reject_keeps_it_off_the_site_for_good(heard, django_capture_on_commit_callbacks) -> None:
    article = store(draft(source().pk, spam=True))
    with django_capture_on_commit_callbacks(execute=True):
        rejected = do_reject_article(article.pk, reviewer="editor")
    assert rejected.status == Article.Status.REJECTED
    assert rejected.flags == ["spam"]
    assert rejected.review is not None
    assert (rejected.review["decision"], rejected.review["by"]) == ("rejected", "editor")
    assert not rejected.approved
    assert heard[-1]["status"] == "rejected"
    # The feed changes the entry, clean or spam: it stays rejected, and so does the record of who did it.
    for new in (draft(article.source_id), draft(article.source_id, spam=True)):
        do_update_article(article.pk, replace(new, url=article.url))
        article.refresh_from_db()
        assert article.status == Article.Status.REJECTED
        assert article.review == rejected.review


def test_an_update_turning_a_published_story_into_spam_quarantines_it() -> None:
    bulletin = source()
    article = store(draft(bulletin.pk))
    do_update_article(article.pk, replace(draft(bulletin.pk, spam=True), url=article.url))
    article.refresh_from_db()
    assert article.status == Article.Status.QUARANTINED
    assert article.flags == ["spam"]
    assert Source.objects.get(pk=bulletin.pk).spam_count == 1


def test_an_update_never_publishes_a_quarantined_article() -> None:
    article = store(draft(source().pk, spam=True))
    do_update_article(article.pk, replace(draft(article.source_id), url=article.url))
    article.refresh_from_db()
    assert article.status == Article.Status.QUARANTINED
    assert article.review is None


def test_an_approved_article_keeps_its_approval_through_clean_updates_not_spam_ones() -> None:
    bulletin = source()
    article = store(draft(bulletin.pk, spam=True))
    review = do_approve_article(article.pk, reviewer="editor").review
    for _ in range(2):
        do_update_article(article.pk, replace(draft(bulletin.pk), url=article.url))
        article.refresh_from_db()
        assert (article.status, article.flags, article.approved) == (Article.Status.PUBLISHED, [], True)
        assert article.review == review
        assert article.integrity["decision"] == "clean"  # the new version's own verdict, beside the review
    do_update_article(article.pk, replace(draft(bulletin.pk, spam=True), url=article.url))
    article.refresh_from_db()
    assert (article.status, article.flags) == (Article.Status.QUARANTINED, ["spam"])
    assert (article.review, article.approved) == (None, False)
