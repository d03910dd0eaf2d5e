"""Read-side lookups the pipeline needs to decide. No writes."""

from __future__ import annotations

from django.db.models import Q

from newsdesk.ingest.decide import Known

from .models import Article


def _known(article: Article | None) -> Known | None:
    if article is None:
        return None
    return Known(id=article.pk, source_id=article.source_id, content_hash=article.content_hash)


def find_by_entry(source_id: int, guid: str, link: str) -> Known | None:
    """The article this feed entry was stored as: same source and GUID, or the same link anywhere."""
    query = Q()
    if guid:
        query |= Q(source_id=source_id, guid=guid)
    if link:
        query |= Q(url=link) | Q(link=link)
    if not query:
        return None
    found = Article.objects.filter(query).only("id", "source_id", "content_hash").order_by("id").first()
    return _known(found)


def find_by_identity(url: str, fingerprint: str) -> Known | None:
    """An article already telling this story: same canonical URL, or same content fingerprint."""
    query = Q(url=url) | Q(link=url)
    if fingerprint:
        query |= Q(fingerprint=fingerprint)
    found = Article.objects.filter(query).only("id", "source_id", "content_hash").order_by("id").first()
    return _known(found)


def recent_published(source_id: int, limit: int = 20) -> list:
    """The publication times of a source's newest articles, for its posting rhythm."""
    return list(
        Article.objects.filter(source_id=source_id)
        .order_by("-published")
        .values_list("published", flat=True)[:limit]
    )
