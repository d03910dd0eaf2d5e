"""Articles as plain JSON-ready dicts: the shape `newsdesk articles --json` prints."""

from __future__ import annotations

from typing import Any

from .models import Article


def article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "url": article.url,
        "source": article.source.name if article.source_id else None,
        "title": article.title,
        "authors": list(article.authors),
        "published": article.published.isoformat(),
        "excerpt": article.excerpt,
        "text": article.text,
        "language": article.language or None,
        "lead_image": article.lead_image or None,
        "status": article.status,
        "flags": list(article.flags),
        "review": dict(article.review) if article.review else None,
    }
