"""Every write to articles goes through here, one transaction each."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.ingest.types import ArticleDraft

from .models import Article, ArticleAlias
from .signals import article_stored


class Stored(Enum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


def _announce(article_id: int, created: bool, status: str) -> None:
    transaction.on_commit(
        lambda: article_stored.send(sender=Article, article_id=article_id, created=created, status=status)
    )


def do_store_article(fields: ArticleDraft) -> tuple[Stored, int | None]:
    """Create an article. A concurrent insert of the same URL makes this a duplicate, not an error."""
    values = asdict(fields)
    try:
        with transaction.atomic():
            article = Article.objects.create(**values, modified_at=timezone.now())
            _announce(article.pk, True, article.status)
    except IntegrityError:
        existing = Article.objects.filter(url=fields.url).values_list("pk", flat=True).first()
        return Stored.DUPLICATE, existing
    return Stored.CREATED, article.pk


# What an update may change. The URL, source and first-seen time stay.
_UPDATABLE = (
    "guid", "link", "fingerprint", "content_hash", "title", "authors", "published", "updated", "excerpt",
    "text", "content_html", "language", "lead_image", "categories", "flags",
)  # fmt: skip


def do_update_article(article_id: int, fields: ArticleDraft) -> Stored:
    """Apply what the source changed. A quarantined article stays quarantined."""
    values = {name: getattr(fields, name) for name in _UPDATABLE}
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        for name, value in values.items():
            setattr(article, name, value)
        article.modified_at = timezone.now()
        article.save()
        _announce(article.pk, False, article.status)
    return Stored.UPDATED


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
