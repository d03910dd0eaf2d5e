"""Read-side questions about stories, for the site, the API, the CLI and the newsletter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet

from newsdesk.articles.models import Article

from .models import Story, StoryMember


@dataclass(frozen=True)
class Coverage:
    """One outlet's version of a story."""

    article_id: int
    title: str
    url: str
    source: str
    published: datetime


def story_of(article_id: int) -> Story | None:
    member = StoryMember.objects.select_related("story").filter(article_id=article_id).first()
    return member.story if member else None


def story_ids(article_ids: list[int]) -> dict[int, int]:
    """article id -> story id, for the articles that have one."""
    return dict(StoryMember.objects.filter(article_id__in=article_ids).values_list("article_id", "story_id"))


def coverage(story_id: int) -> list[Coverage]:
    """Every published member, oldest first: the coverage timeline."""
    articles = (
        Article.objects.published()
        .filter(story_member__story_id=story_id)
        .select_related("source")
        .order_by("published", "id")
    )
    return [Coverage(a.pk, a.title, a.url, a.source.name or a.source.url, a.published) for a in articles]


def ranked(limit: int = 20, *, topic: str | None = None) -> QuerySet[Story]:
    """Stories by coverage (outlets), then recency."""
    qs = Story.objects.filter(article_count__gt=0)
    if topic:
        qs = qs.filter(members__article__topics__slug=topic).distinct()
    return qs.order_by(F("source_count").desc(), F("last_updated").desc(), F("id").desc())[:limit]


def latest(limit: int = 20) -> QuerySet[Story]:
    return Story.objects.filter(article_count__gt=0).order_by("-last_updated", "-id")[:limit]


def as_dict(story: Story, members: list[Coverage] | None = None) -> dict[str, Any]:
    members = coverage(story.pk) if members is None else members
    return {
        "id": story.pk,
        "title": story.title,
        "articles": [m.article_id for m in members],
        "sources": list(dict.fromkeys(m.source for m in members)),
        "first_published": story.first_published.isoformat(),
        "last_updated": story.last_updated.isoformat(),
    }


def explain(story_id: int) -> list[dict[str, Any]]:
    """Why each article is in the story: the decision, its score and the shared terms."""
    members = StoryMember.objects.filter(story_id=story_id).select_related("article", "article__source")
    return [
        {
            "article": m.article_id,
            "title": m.article.title,
            "source": m.article.source.name or m.article.source.url,
            "published": m.article.published.isoformat(),
            "reason": m.reason,
            "score": m.score,
            "shared": m.shared,
            "staff_group": m.group or None,
        }
        for m in sorted(members, key=lambda m: (m.article.published, m.article_id))
    ]
