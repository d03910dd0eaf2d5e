"""Every write to articles goes through here, one transaction each."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.core import metrics
from newsdesk.sources.actions import do_count_stored, do_forget_spam, do_record_spam
from newsdesk.types import HELD, SPAM, SPAM_REMOVED, ArticleDraft

from .models import Article, ArticleAlias, ArticlePage
from .signals import article_stored


class Stored(Enum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


def _announce(
    article_id: int, created: bool, status: str, *, newly_quarantined: bool = False, lead_image: bool = True
) -> None:
    def announce() -> None:
        if created:
            metrics.articles_stored.labels(status=status).inc()
        if newly_quarantined:
            metrics.quarantined.inc()
        article_stored.send(
            sender=Article, article_id=article_id, created=created, status=status, lead_image=lead_image
        )

    transaction.on_commit(announce)


def do_store_article(fields: ArticleDraft) -> tuple[Stored, int | None]:
    """Create an article. A concurrent insert of the same URL makes this a duplicate, not an error.

    Spam (a quarantined spam item, or planted spam cut out) also counts against the source, in the
    same transaction, so a source that keeps sending it is held for review (sources.actions).
    """
    values = asdict(fields)
    now = timezone.now()
    try:
        with transaction.atomic():
            article = Article.objects.create(**values, modified_at=now)
            if _spam_kind(article.flags):
                do_record_spam(article.source_id, now=now, what=_spam_summary(article))
            do_count_stored(article.source_id, now=now, status=article.status)
            _announce(
                article.pk, True, article.status,
                newly_quarantined=article.status == Article.Status.QUARANTINED,
                lead_image=bool(article.lead_image),
            )  # fmt: skip
    except IntegrityError:
        existing = Article.objects.filter(url=fields.url).values_list("pk", flat=True).first()
        return Stored.DUPLICATE, existing
    return Stored.CREATED, article.pk


# What an update may change. The URL, source and first-seen time stay.
_UPDATABLE = (
    "guid", "link", "fingerprint", "content_hash", "title", "authors", "published", "updated", "excerpt",
    "text", "content_html", "language", "lead_image", "categories", "flags", "integrity",
)  # fmt: skip


def do_update_article(article_id: int, fields: ArticleDraft) -> Stored:
    """Apply what the source changed.

    An update never publishes: a quarantined article stays quarantined and a rejected one rejected.
    A person's review (`Article.review`) stays with the article, so an approved article stays approved
    while its new versions are clean. A published article whose new version the review calls spam is
    quarantined again (a hacked outlet rewriting an old story), loses its approval, and counts against
    its source.
    """
    values = {name: getattr(fields, name) for name in _UPDATABLE}
    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        had_spam = _spam_kind(article.flags)
        review = article.review
        requarantined = False
        for name, value in values.items():
            setattr(article, name, value)
        if article.status == Article.Status.PUBLISHED and fields.status == Article.Status.QUARANTINED:
            article.status = Article.Status.QUARANTINED
            requarantined = True
            review = None  # that approval was for other words
        if review is not None:
            article.integrity = {**article.integrity, "review": review}
        article.modified_at = now
        article.save()
        if _spam_kind(article.flags) and not had_spam:
            do_record_spam(article.source_id, now=now, what=_spam_summary(article))
        _announce(
            article.pk,
            False,
            article.status,
            newly_quarantined=requarantined,
            lead_image=bool(article.lead_image),
        )
    return Stored.UPDATED


def _spam_kind(flags: list[str]) -> str:
    """ "spam" or "spam-removed" when the article carried spam; "" otherwise."""
    for flag in (SPAM, SPAM_REMOVED):
        if flag in flags:
            return flag
    return ""


def _spam_summary(article: Article) -> str:
    kind = "a spam item" if SPAM in article.flags else "planted spam cut out of"
    return f"{kind} “{article.title[:120]}”."


# ---- the review queue (quarantined articles) ------------------------------------------------------


def do_approve_article(article_id: int, *, reviewer: str = "") -> Article:
    """Publish a quarantined article: a person looked and found it fine.

    Announced on commit like a new article, with `approved=True`, so that search, the live stream
    and the page cache pick it up as if it had just arrived.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.status == Article.Status.PUBLISHED:
            return article
        was_spam = SPAM in article.flags
        article.status = Article.Status.PUBLISHED
        article.flags = [f for f in article.flags if f not in (SPAM, HELD)]  # no longer why it waits
        article.integrity = _reviewed(article.integrity, Article.Decision.APPROVED, reviewer)
        article.modified_at = timezone.now()
        article.save(update_fields=["status", "flags", "integrity", "modified_at"])
        if was_spam:
            do_forget_spam(article.source_id)
        transaction.on_commit(
            lambda: article_stored.send(
                sender=Article, article_id=article.pk, created=False, status=article.status, approved=True
            )
        )
    return article


def do_reject_article(article_id: int, *, reviewer: str = "") -> Article:
    """Keep an article off the site for good. It stays stored (as "rejected") so the feed entry is
    recognised and never taken in again."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        article.status = Article.Status.REJECTED
        article.integrity = _reviewed(article.integrity, Article.Decision.REJECTED, reviewer)
        article.modified_at = timezone.now()
        article.save(update_fields=["status", "integrity", "modified_at"])
        _announce(article.pk, False, article.status)
    return article


def _reviewed(record: dict[str, Any], decision: str, reviewer: str) -> dict[str, Any]:
    """The integrity record with a person's decision in it: the one place a review is kept."""
    review = {"decision": str(decision), "by": reviewer, "at": timezone.now().isoformat()}
    return {**(record or {}), "review": review}


def do_record_alias(article_id: int, *, source_id: int, guid: str, link: str) -> None:
    """Remember that this source's entry is a copy of an article we already have."""
    with transaction.atomic():
        ArticleAlias.objects.get_or_create(article_id=article_id, source_id=source_id, guid=guid, link=link)


def do_transfer_article(article_id: int, *, source_id: int, guid: str, link: str, content_hash: str) -> None:
    """Credit a stored story to the outlet that published it.

    When a syndicated copy was stored first, the original outlet's entry later turns up with the
    same canonical URL on its own host: the article moves to that outlet, and the syndicator's
    entry is kept as an alias so it stays recognised.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        ArticleAlias.objects.get_or_create(
            article=article, source_id=article.source_id, guid=article.guid, link=article.link
        )
        article.source_id = source_id
        article.guid = guid
        article.link = link
        article.content_hash = content_hash
        article.modified_at = timezone.now()
        article.save(update_fields=["source", "guid", "link", "content_hash", "modified_at"])


def do_drop_full_text(article_ids: list[int], *, batch: int = 500) -> int:
    """Forget the stored full text of these articles; the excerpt, link and metadata stay (retention).

    The search index follows through its triggers: an old story is still found by its title and excerpt.
    """
    dropped = 0
    for start in range(0, len(article_ids), batch):
        ids = article_ids[start : start + batch]
        with transaction.atomic():
            dropped += Article.objects.filter(pk__in=ids).update(text="", content_html="")
            # A kept page part may show an excerpt cut from this text, under a key that does not hold the
            # text: it goes with it (the caller renders it again; until then the page renders its own).
            ArticlePage.objects.filter(article_id__in=ids).delete()
    return dropped


def do_keep_pages(pages: dict[int, tuple[str, str]]) -> int:
    """Keep these articles' rendered own parts ({article id: (key, html)}), replacing any older ones."""
    if not pages:
        return 0
    rows = [ArticlePage.of(pk, key, html) for pk, (key, html) in pages.items()]
    with transaction.atomic():
        ArticlePage.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["article"], update_fields=["key", "markup"]
        )
    return len(rows)


def do_forget_pages(article_ids: list[int]) -> int:
    """Drop these articles' rendered own parts (an article off the site needs none)."""
    with transaction.atomic():
        return ArticlePage.objects.filter(article_id__in=article_ids).delete()[0]
