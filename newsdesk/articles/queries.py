"""Read-side lookups the pipeline needs to decide. No writes."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from newsdesk.types import Known

from .models import Article, ArticleAlias


def _known(article: Article | None, *, alias: bool = False) -> Known | None:
    if article is None:
        return None
    return Known(id=article.pk, source_id=article.source_id, content_hash=article.content_hash, alias=alias)


def find_by_entry(source_id: int, guid: str, link: str) -> Known | None:
    """The article this feed entry is.

    Only the same source's same GUID is the same entry (which may have changed). An article found
    by the entry's link, or through an alias recorded earlier, is another entry telling a stored
    story: it comes back with `alias=True`, so it is never taken for an update.
    """
    fields = ("id", "source_id", "content_hash")
    if guid:
        same = Article.objects.filter(source_id=source_id, guid=guid).only(*fields).order_by("id").first()
        if same is not None:
            return _known(same)
    if link:
        linked = Article.objects.filter(Q(url=link) | Q(link=link)).only(*fields).order_by("id").first()
        if linked is not None:
            return _known(linked, alias=True)
    alias_query = (Q(guid=guid) if guid else Q()) | (Q(link=link) if link else Q())
    if not alias_query:
        return None
    alias = (
        ArticleAlias.objects.filter(alias_query, source_id=source_id)
        .select_related("article")
        .order_by("id")
        .first()
    )
    return _known(alias.article, alias=True) if alias else None


def find_by_identity(url: str, fingerprint: str) -> Known | None:
    """An article already telling this story: same canonical URL, or same content fingerprint."""
    query = Q(url=url) | Q(link=url)
    if fingerprint:
        query |= Q(fingerprint=fingerprint)
    found = Article.objects.filter(query).only("id", "source_id", "content_hash").order_by("id").first()
    return _known(found)


def recent_published(source_id: int, limit: int = 20) -> list[datetime]:
    """The publication times of a source's newest articles, for its posting rhythm."""
    return list(
        Article.objects.filter(source_id=source_id)
        .order_by("-published")
        .values_list("published", flat=True)[:limit]
    )


def with_full_text_before(cutoff: datetime) -> list[int]:
    """Ids of articles stored before `cutoff` that still keep their full text (retention)."""
    kept = Q(text__gt="") | Q(content_html__gt="")
    return list(
        Article.objects.filter(kept, created_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)
    )
