"""The article page's own part, rendered when the article is written and kept with it.

The part of the article page that only the story shows (its meta and head tags with the JSON-LD, the kicker,
headline, source, byline, date, picture, excerpt and the link out: web/partials/article_own.html) is rendered
by the action that writes the article, on commit (`on_article_stored`: stored, updated, approved, rejected,
quarantined), and kept in its own row (`ArticlePage`, one per article), which the article page reads in its
one query. A crawler asks for every article once, so a cache filled on first view would never be hit; this
one is filled before the first view.

The kept markup is used only while its key is the page's own (`page_key`): the article's id and version
(`modified_at`, which every action that changes what the part shows sets; retention's full-text drop,
which does not, deletes the kept row in its own transaction), its source's id, name, icon and home page,
its topics' ids, slugs and names, the active language, time zone and script prefix, and `stamp()`: the text
of the templates it is drawn from as the loader finds them (an operator's override included), the settings
it shows (site name and address, time zone, formats, excerpt length), the code that draws it (the text of
its modules, and the package's version), Django's and Jinja2's versions and our compiled translation
catalogues. On any other key (a renamed source, a topic renamed or reassigned, an override, an upgrade, a
row never rendered) the page renders the part itself, as before, and writes nothing (a GET never writes).
A renamed source's parts are drawn again by a queued task (`on_source_shown_changed`), `newsdesk topics
rebuild` draws again those whose topics it changed, and `newsdesk render-pages` fills whatever else is
missing or out of date (after an upgrade or an override).

The relative time ("5 minutes ago") is not kept: the part is kept in two halves around it. The page's other
parts (More like this, Full coverage, the newsletter box, the consent parts, the frame) are per request as
before. Nothing per reader is in the part: its template receives only the story and the site's settings.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from xxhash import xxh3_128_hexdigest

from newsdesk import __version__
from newsdesk.articles import actions
from newsdesk.articles.models import Article, ArticlePage
from newsdesk.core import frame, links
from newsdesk.core.markup import safe
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import with_topic_ids
from newsdesk.web import images, metadata, queries
from newsdesk.web.templatetags.newsdesk_web import lang_attr

log = logging.getLogger(__name__)

TEMPLATE = "web/partials/article_own.html"
# The templates the part is drawn from (each as the loader finds it, so an operator's override counts).
TEMPLATES = (TEMPLATE, "web/partials/meta.html", "web/partials/source_mark.html")
SEPARATOR = "<!--part-->"  # never in escaped text: a story's "<" is written "&lt;"
# The code that draws the part besides its templates (each module's text is in the stamp, so an upgrade that
# changes one of them renders every part again), and a number to raise for any other change.
MODULES = (
    "newsdesk.web.article_page", "newsdesk.web.metadata", "newsdesk.web.images", "newsdesk.web.jinja",
    "newsdesk.web.fragments", "newsdesk.web.templatetags.newsdesk_web", "newsdesk.core.links",
    "newsdesk.core.frame", "newsdesk.core.markup", "newsdesk.ingest.stages.excerpt",
)  # fmt: skip
MARKUP_VERSION = 1
# The settings the part shows, and no others: the web processes, the workers that render on commit and an
# operator's `newsdesk render-pages` may differ in the rest (page cache, threads), and must agree on the key.
SETTINGS = (
    "SITE_NAME", "SITE_URL", "TIME_ZONE", "USE_TZ", "DATETIME_FORMAT", "USE_THOUSAND_SEPARATOR",
    "LANGUAGE_CODE", "FORMAT_MODULE_PATH", "LANGUAGES_BIDI", "STATIC_URL",
)  # fmt: skip
INGEST_SETTINGS = ("EXCERPT_WORDS",)  # of NEWSDESK_INGEST: the excerpt's length in the head tags
# What the part shows of the story that the article page does not read for itself (read only to render it).
OWN_FIELDS = ("authors", "updated", "excerpt", "text", "lead_image", "url", "link")
# What rendering the part reads.
FIELDS = (
    "title", "published", "language", "modified_at", *OWN_FIELDS,
    "source__name", "source__icon_url", "source__site_url",
)  # fmt: skip
BATCH = 500


@dataclass(frozen=True)
class OwnPart:
    meta: SafeString
    head: SafeString
    top: SafeString  # the article up to its relative time
    bottom: SafeString  # after it


@functools.cache
def stamp() -> str:
    """What the markup depends on besides the story (see the module's docstring), worked out once."""
    texts = []
    for name in TEMPLATES:
        filename = getattr(getattr(get_template(name), "template", None), "filename", None)
        texts.append(Path(filename).read_text(encoding="utf-8") if filename else name)
    code = [Path(str(importlib.import_module(name).__file__)).read_text(encoding="utf-8") for name in MODULES]
    shown = [repr(getattr(settings, name, None)) for name in SETTINGS]
    shown += [repr(settings.NEWSDESK_INGEST.get(name)) for name in INGEST_SETTINGS]
    return xxh3_128_hexdigest(repr((MARKUP_VERSION, __version__, texts, code, shown, _engines())).encode())


def _engines() -> tuple[str, str, list[bytes]]:
    """What else draws the words: Django's and Jinja2's versions (their filters, formats and own
    translations) and our translation catalogues as compiled (a new wording without a new release)."""
    from importlib.metadata import version

    catalogues = sorted(Path(__file__).resolve().parent.glob("locale/*/LC_MESSAGES/*.mo"))
    return version("django"), version("jinja2"), [path.read_bytes() for path in catalogues]


@receiver(setting_changed)
def _settings_changed(**kwargs: object) -> None:
    stamp.cache_clear()


def page_key(article: Any, topics: list[Topic]) -> str:
    """The key of the part the page would render now for this story (read with FIELDS' source columns)."""
    source = article.source
    return xxh3_128_hexdigest(
        repr(
            (
                article.pk,
                article.modified_at,
                article.source_id,
                source.name,
                source.icon_url,
                source.site_url,
                [(topic.pk, topic.slug, topic.name) for topic in topics],
                frame.language(),
                timezone.get_current_timezone_name(),
                frame.prefix(),
                stamp(),
            )
        ).encode()
    )


def split(html: str) -> OwnPart:
    parts = html.split(SEPARATOR)
    if len(parts) != 5:
        raise ImproperlyConfigured(
            f"{TEMPLATE} must mark its four parts with {SEPARATOR} after each (it has {len(parts) - 1})."
        )
    return OwnPart(*(safe(part) for part in parts[:4]))  # rendered by the template engine, escaped there


def render_html(article: Any, topics: list[Topic]) -> str:
    """The part's markup for this story (read with FIELDS) and its topics, as kept."""
    excerpt = metadata.display_excerpt(article)
    image = images.article_image_path(article)
    description = metadata.shorten(excerpt or article.title)
    original = metadata.original_url(article)
    page_meta = metadata.PageMeta(
        title=article.title,
        description=description,
        path=links.article_path(article.pk, article.title),
        og_type="article",
        image=links.absolute(image) if image else "",
    )
    context = {
        "article": article,
        "lang": lang_attr(article.language),
        "image": image,
        # What the `date` filter's "c" gives (DateFormat.c is isoformat()), without its format parsing.
        "published_iso": frame.localtime(article.published).isoformat(),
        "excerpt": excerpt,
        "original_url": original,
        "topics": topics,
        "json_ld": metadata.news_article_ld(
            article,
            canonical=page_meta.canonical,
            image=page_meta.image,
            topics=topics,
            description=description,
            original=original,
        ),
        "meta": page_meta,
        "site_name": settings.SITE_NAME,
    }
    html: str = get_template(TEMPLATE).render(context)
    return html


def own_part(article: Article, topics: list[Topic]) -> OwnPart:
    """The article page's own part: the kept one when its key is the page's, else rendered now (the story's
    other columns read first, in one query). Writes nothing."""
    kept: ArticlePage | None = getattr(article, "page", None)
    if kept is not None and kept.key == page_key(article, topics):
        return split(kept.html)
    article.refresh_from_db(fields=OWN_FIELDS)
    return split(render_html(article, topics))


def fill(article_ids: Iterable[int]) -> int:
    """Render and keep the part of these articles (the published ones; the others' parts go). Returns how
    many were rendered. In the site's language, as the article page is drawn."""
    ids = list(dict.fromkeys(article_ids))
    rendered = 0
    with translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            pages = {
                article.pk: (page_key(article, topics), _checked(render_html(article, topics)))
                for article, topics in _read(batch)
            }
            actions.do_keep_pages(pages)
            actions.do_forget_pages([pk for pk in batch if pk not in pages])
            rendered += len(pages)
    return rendered


def refill(batch: int = BATCH, *, source_id: int | None = None) -> tuple[int, int]:
    """Render every published article's part that is missing or out of date, and drop the parts of articles
    no longer published. Returns (published articles checked, parts rendered). With `source_id`: only that
    source's articles, and nothing dropped (a renamed source's task)."""
    checked = rendered = 0
    scope = Article.objects.published()
    if source_id is not None:
        scope = scope.filter(source_id=source_id)
    with translation.override(settings.LANGUAGE_CODE):
        last = 0
        while True:
            ids = list(scope.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            last = ids[-1]
            held = dict(ArticlePage.objects.filter(article_id__in=ids).values_list("article_id", "key"))
            pages = {}
            for article, topics in _read(ids):
                key = page_key(article, topics)
                if held.get(article.pk) != key:
                    pages[article.pk] = (key, _checked(render_html(article, topics)))
            actions.do_keep_pages(pages)
            checked += len(ids)
            rendered += len(pages)
    if source_id is not None:
        return checked, rendered
    off_site = ArticlePage.objects.exclude(article__status=Article.Status.PUBLISHED)
    gone = list(off_site.values_list("article_id", flat=True))
    for start in range(0, len(gone), batch):
        actions.do_forget_pages(gone[start : start + batch])
    return checked, rendered


def _checked(html: str) -> str:
    """Only a part the page can split is kept (an override without its four marks raises here, not on
    every page view)."""
    split(html)
    return html


def _read(ids: list[int]) -> list[tuple[Article, list[Topic]]]:
    found = with_topic_ids(
        Article.objects.published().select_related("source").only(*FIELDS).filter(pk__in=ids).order_by()
    )
    return [(article, queries.article_topics(article)) for article in found]


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    """Render the part of an article just written (after its topics: the topics' receiver is connected
    first). A failure is logged and never breaks the writer: the page renders the part itself meanwhile."""
    try:
        fill([article_id])
    except Exception:
        log.exception("Could not render the page of article %s", article_id)


def on_source_shown_changed(sender: object, source_id: int, **kwargs: object) -> None:
    """A source was renamed (or named by its first check, or given a home page): its articles' parts are
    drawn again by a queued task, never in the request that renamed it. Until the task has run, each page
    draws its part itself (the key holds the source's name), so the new name shows at once."""
    from .tasks import render_source_pages

    render_source_pages.enqueue(source_id)
