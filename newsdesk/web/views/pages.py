"""The home page and the article page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.prepared import Prepared
from newsdesk.topics.queries import with_topic_ids
from newsdesk.web import article_page, images, metadata, queries, related
from newsdesk.web.caching import public_page

from . import stories
from .common import list_window

LEAD_STORIES = 5
# The Live News column's stream (the live app enhances the server-rendered list with it).
LIVE_STREAM = "/live/stream"


@public_page
def home(request: HttpRequest) -> HttpResponse:
    page = list_window(
        request, queries.listed, queries.first_of_listed("home"), queries.older_of_listed("home")
    )
    number = page.number
    first = number == 1
    shown = {a.pk for a in page.items}
    # The lead is the newest of the top stories that has a picture (or simply the newest).
    pool = page.items[:LEAD_STORIES] if first else []
    lead = next((a for a in pool if images.article_image_path(a)), pool[0] if pool else None)
    title = settings.SITE_NAME if first else _("Latest news, page %(number)s") % {"number": number}
    context = {
        "page": page,
        "lead": lead,
        "top": [a for a in page.items[:LEAD_STORIES] if a is not lead] if first else [],
        "rest": page.items[LEAD_STORIES:] if first else page.items,
        # Page 1 already holds the newest stories: the Live News column is their first few.
        "live_news": page.items[: queries.LIVE_NEWS_ITEMS]
        if first and queries.holds_live_news(page)
        else queries.live_news(),
        "story_cards": stories.story_cards() if first else [],
        "live_stream_url": LIVE_STREAM,
        "sections": queries.topic_sections(exclude=shown) if first else [],
        "feeds": metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=title,
            description=_("The latest news from the outlets we follow, each with a link to the original."),
            path=links.reverse_remembered("web:home") + page.query,
        ),
        "nav": "home",
    }
    return render(request, "web/home.html", context)


# What the article page reads of the story, its source, its story ("Full coverage") and its kept own part
# (newsdesk/web/article_page.py): the rest of what the part shows (`article_page.OWN_FIELDS`: the byline,
# excerpt, text, picture and links) is read only when the kept part is missing or out of date. The stored
# page's HTML, the review's record, the flags, the feed's ids and hashes are never shown here. A template
# override that reads another field still gets it, by one more query (Django loads a deferred field).
ARTICLE_FIELDS = (
    "title",
    "published",
    "language",
    "modified_at",
    "source__name",
    "source__icon_url",
    "source__site_url",
    "story_member__story__source_count",
    "page__key",
    "page__markup",
)

# The story with its source, its story, its kept part and its topics' ids, in one query compiled once.
_ARTICLE = Prepared(
    lambda pk: with_topic_ids(
        Article.objects.published()
        .select_related("source", "story_member__story", "page")
        .only(*ARTICLE_FIELDS)
        .filter(pk=pk)
    ),
    probes=(-1,),
)


def _published_article(pk: int) -> Article:
    found = _ARTICLE.run(pk)
    if not found:
        raise Http404("No such article.")
    return found[0]


@public_page
def article(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    story = _published_article(pk)
    path = links.article_path(story.pk, story.title)
    if slug != links.slug_for(story.title):
        return HttpResponsePermanentRedirect(path)
    topics = queries.article_topics(story)
    context = {
        "article": story,
        "own": article_page.own_part(story, topics),
        "topics": topics,
        "related": related.related(story, topics),
        "full_coverage": stories.coverage_of(story),
        "newsletter_topics": [topic.slug for topic in topics],
        "feeds": metadata.latest_feeds(),
        # The frame's title; the meta tags are in the own part.
        "meta": metadata.PageMeta(title=story.title, description="", path=path, og_type="article"),
    }
    return render(request, "web/article.html", context)
