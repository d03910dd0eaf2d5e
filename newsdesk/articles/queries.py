"""Read-side lookups the pipeline needs to decide. No writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

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


def find_by_entries(source_id: int, entries: Sequence[tuple[str, str]]) -> list[Known | None]:
    """`find_by_entry` for many (guid, link) pairs at once: three queries for a whole feed instead of
    up to three per entry, with the same answer for each pair (the lowest id wins, as there)."""
    guids = sorted({guid for guid, _ in entries if guid})
    links = sorted({link for _, link in entries if link})
    fields = ("id", "source_id", "content_hash", "guid", "url", "link")
    by_guid: dict[str, Article] = {}
    by_link: dict[str, Article] = {}
    for chunk in _chunks(guids):
        for article in Article.objects.filter(source_id=source_id, guid__in=chunk).only(*fields):
            _keep_lowest(by_guid, article.guid, article)
    for chunk in _chunks(links):
        wanted = set(chunk)
        for article in Article.objects.filter(Q(url__in=chunk) | Q(link__in=chunk)).only(*fields):
            for key in {article.url, article.link} & wanted:
                _keep_lowest(by_link, key, article)
    alias_guid: dict[str, ArticleAlias] = {}
    alias_link: dict[str, ArticleAlias] = {}
    guid_chunks, link_chunks = _chunks(guids), _chunks(links)
    for n in range(max(len(guid_chunks), len(link_chunks))):
        guid_set = set(guid_chunks[n]) if n < len(guid_chunks) else set()
        link_set = set(link_chunks[n]) if n < len(link_chunks) else set()
        found = ArticleAlias.objects.filter(
            Q(guid__in=guid_set) | Q(link__in=link_set), source_id=source_id
        ).select_related("article")
        for alias in found:
            if alias.guid in guid_set:
                _keep_lowest(alias_guid, alias.guid, alias)
            if alias.link in link_set:
                _keep_lowest(alias_link, alias.link, alias)
    answers: list[Known | None] = []
    for guid, link in entries:
        if guid and guid in by_guid:
            answers.append(_known(by_guid[guid]))
        elif link and link in by_link:
            answers.append(_known(by_link[link], alias=True))
        else:
            aliases = [a for a in (alias_guid.get(guid), alias_link.get(link)) if a is not None]
            first = min(aliases, key=lambda a: a.pk, default=None)
            answers.append(_known(first.article, alias=True) if first else None)
    return answers


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _keep_lowest(found: dict[str, Any], key: str, row: Any) -> None:
    if key not in found or row.pk < found[key].pk:
        found[key] = row


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
