"""Stories on the site: the story page (the coverage timeline) and the story cards of the home and
topic pages, ranked by coverage (how many outlets) and recency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.figures import remembered
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.models import Topic
from newsdesk.web import metadata
from newsdesk.web.caching import public_page

CARDS = 4  # story cards on the home page and a topic page
OTHERS = 3  # other outlets' headlines on a card
RECENT = timedelta(hours=48)  # a card's story was updated at most this long before the newest story


@dataclass
class StoryCard:
    story: Story
    lead: Article
    sources: int
    others: list[Article] = field(default_factory=list)

    @property
    def url(self) -> str:
        return links.story_path(self.story.pk)


def story_cards(topic: Topic | None = None, limit: int = CARDS) -> list[StoryCard]:
    """The stories covered by at least two outlets, most outlets first, then the most recent, among
    those updated within RECENT of the newest one. The same for every reader of the home page or of a
    topic page, and a walk over the topic's stories, so remembered (newsdesk/core/figures.py) like the
    other site-wide figures: a change of content shows at the next request, anything else within
    NEWSDESK_FIGURES_SECONDS. The cards are shared between threads: read-only."""
    name = f"story cards {topic.pk if topic is not None else 'all'} {limit}"
    return remembered(name, lambda: _story_cards(topic, limit))


def _story_cards(topic: Topic | None, limit: int) -> list[StoryCard]:
    stories = Story.objects.filter(source_count__gte=2)
    if topic is not None:
        stories = stories.filter(members__article__topics=topic).distinct()
    newest = stories.order_by("-last_updated").values_list("last_updated", flat=True).first()
    if newest is None:
        return []
    chosen = list(
        stories.filter(last_updated__gte=newest - RECENT).order_by("-source_count", "-last_updated")[:limit]
    )
    members = (
        Article.objects.published()
        .filter(story_member__story__in=chosen)
        .select_related("source", "story_member")
        .order_by("published", "id")
    )
    by_story: dict[int, list[Article]] = {}
    for article in members:
        by_story.setdefault(article.story_member.story_id, []).append(article)
    cards = []
    for story in chosen:
        articles = by_story.get(story.pk, [])
        if not articles:
            continue
        lead = next((a for a in articles if a.pk == story.lead_id), articles[0])
        seen = {lead.source_id}
        others: list[Article] = []
        for article in articles:
            if article.source_id not in seen and len(others) < OTHERS:
                seen.add(article.source_id)
                others.append(article)
        cards.append(StoryCard(story, lead, len({a.source_id for a in articles}), others))
    return cards


@dataclass(frozen=True)
class FullCoverage:
    url: str
    sources: int


def coverage_of(article: Article) -> FullCoverage | None:
    """The article page's link to its story, when more than one outlet covers it (the article read with
    `select_related("story_member__story")`)."""
    try:
        member = article.story_member
    except StoryMember.DoesNotExist:
        return None
    if member.story.source_count < 2:
        return None
    return FullCoverage(links.story_path(member.story_id), member.story.source_count)


@public_page
def story(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(Story, pk=pk, article_count__gt=0)
    coverage = list(
        Article.objects.published()
        .filter(story_member__story=subject)
        .select_related("source")
        .order_by("published", "id")
    )
    if not coverage:  # every member was withdrawn: nothing to show
        raise Http404("No such story.")
    items = [
        {"article": a, "excerpt": metadata.display_excerpt(a), "original_url": metadata.original_url(a)}
        for a in coverage
    ]
    context = {
        "story": subject,
        "items": items,
        "sources": len({a.source_id for a in coverage}),
        "feeds": metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=_("Full coverage: %(title)s") % {"title": subject.title},
            description=_("How %(count)s outlets reported it, oldest first.")
            % {"count": len({a.source_id for a in coverage})},
            path=links.story_path(subject.pk),
        ),
    }
    return render(request, "web/story.html", context)
