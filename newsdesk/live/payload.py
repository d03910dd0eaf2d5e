"""What a reader's browser gets for one article: the event's JSON. Excerpts only, never the text."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from newsdesk.articles.models import Article
from newsdesk.core.links import article_path, story_path


def article_payload(article: Article, topics: list[str]) -> dict[str, Any]:
    """`path` is our article page (what the Live News column links to); `url` is the same, absolute."""
    path = article_path(article.pk, article.title)
    return {
        "id": article.pk,
        "title": article.title,
        "path": path,
        "url": settings.SITE_URL + path,
        "source": article.source.name,
        "source_id": article.source_id,
        "published": article.published.isoformat(),
        "excerpt": article.excerpt,
        "language": article.language,
        "topics": topics,
    }


def story_payload(story_id: int, sources: int, article: Article) -> dict[str, Any]:
    """Later coverage of an announced story: which story, how many outlets now, and who just came."""
    return {
        "story": story_id,
        "sources": sources,
        "path": story_path(story_id),
        "article": article.pk,
        "source": article.source.name,
    }
