"""GET /search?q=…: full-text search with filters by source, topic and date, and highlighted snippets.

The view validates the filters (a bad date or an unknown source is shown next to its field, with a
400); the words themselves go to newsdesk.search, which turns an empty or absurd query into a helpful
sentence rather than an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsdesk.articles.models import Article
from newsdesk.core import frame, links
from newsdesk.core.figures import remembered
from newsdesk.core.ids import IdChoiceField
from newsdesk.search import SearchPage, SearchQuery, search
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk.web import metadata, queries
from newsdesk.web.caching import public_page
from newsdesk.web.cards import store
from newsdesk.web.templatetags.newsdesk_web import time_open, time_tag, time_words

from .common import page_number, page_size

QUERY_MAX_CHARS = 10_000


class Select(forms.Select):
    """Django's select, written out in Python: the same HTML as its templates, which cost a fifth of a search
    page's CPU (two lists of every source and topic, an include per option)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator) and choices.field.queryset is not None:
            return self._render_models(name, value, attrs, choices)
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # each part escaped by format_html

    def _render_models(
        self, name: str, value: Any, attrs: dict[str, Any] | None, choices: ModelChoiceIterator
    ) -> SafeString:
        """A list of every source or topic: its options' markup is remembered (newsdesk.core.figures: until
        content changes or NEWSDESK_FIGURES_SECONDS pass) instead of a query and a dictionary per option per
        page; the empty choice's label (translated) and the selected option are put in per request, as
        Django's select marks them: the first option whose value is the field's."""
        field = choices.field
        queryset = field.queryset
        assert queryset is not None  # render() checked
        model = queryset.model

        def options() -> list[tuple[str, str, str]]:
            rows = []
            for obj in queryset.all():
                option_value = str(field.prepare_value(obj))
                head = str(format_html('\n  <option value="{}"', option_value))
                rows.append(
                    (option_value, head, str(format_html(">{}</option>", field.label_from_instance(obj))))
                )
            return rows

        held = remembered(f"search select {model._meta.label} {field.to_field_name}", options)
        chosen = self.format_value(value)
        parts: list[str] = [
            format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))
        ]
        selected = False
        if field.empty_label is not None:
            selected = "" in chosen
            parts.append(
                format_html(
                    '\n  <option value=""{}>{}</option>', " selected" if selected else "", field.empty_label
                )
            )
        for option_value, head, tail in held:
            mark = ""
            if not selected and option_value in chosen:
                selected, mark = True, " selected"
            parts.append(f"{head}{mark}{tail}")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # each part escaped by format_html


class DateInput(forms.DateInput):
    """Django's date input, written out in Python: the same HTML as its template (input.html and attrs.html),
    without a template render per field per page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<input type="{}" name="{}"', widget["type"], widget["name"])]
        if widget["value"] is not None:
            parts.append(format_html(' value="{}"', str(widget["value"])))
        for key, item in widget["attrs"].items():  # in their order, as attrs.html writes them
            if item is True:
                parts.append(format_html(" {}", key))
            elif item is not False:
                parts.append(format_html(' {}="{}"', key, str(item)))
        parts.append(">")
        return mark_safe("".join(parts))  # noqa: S308  # each part escaped by format_html


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search for"), required=False, strip=True)
    source = IdChoiceField(
        label=gettext_lazy("Source"), queryset=Source.objects.all(), required=False,
        empty_label=gettext_lazy("All sources"), widget=Select,
    )  # fmt: skip
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"), queryset=Topic.objects.all(), to_field_name="slug", required=False,
        empty_label=gettext_lazy("All topics"), widget=Select,
    )  # fmt: skip
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=DateInput(attrs={"type": "date"})
    )

    def clean_q(self) -> str:
        # Longer than any real question: cut rather than refuse, search explains what it made of it.
        text: str = self.cleaned_data["q"]
        return text[:QUERY_MAX_CHARS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


@dataclass(frozen=True)
class Result:
    """One result's list item: its kept markup (`kept`, `end`: see `_results`), with the reader's snippet
    and the time's words put in."""

    article_id: int
    kept: str
    end: str | None  # None: `kept` is the whole item
    snippet: SafeString
    published: datetime

    @property
    def html(self) -> SafeString:
        if self.end is None:
            return mark_safe(self.kept)  # noqa: S308  # rendered by the template engine, escaped there
        before, _, middle = self.kept.partition(SNIPPET_HERE)
        words = time_words(self.published)
        return mark_safe(f"{before}{self.snippet}{middle}{words}{self.end}")  # noqa: S308  # each part escaped


RESULT_TEMPLATE = "web/partials/search_result.html"
# Placeholders for the parts of a result put in per request: private-use characters, not in our markup.
SNIPPET_HERE, TIME_HERE = "\ue010snippet\ue011", "\ue010time\ue011"


def _versions(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Each published story's version, by id: what its result shows besides its title, excerpt and
    language, which change only with `modified_at` (every action that changes a story sets it), as the
    story cards are keyed (newsdesk/web/cards.py): (modified_at, published, source id, source name,
    source icon address). One plain statement, no model instances."""
    articles, sources = Article._meta.db_table, Source._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT a.id, a.modified_at, a.published, s.id, s.name, s.icon_url FROM {articles} a"  # noqa: S608
        f" JOIN {sources} s ON s.id = a.source_id WHERE a.status = %s AND a.id IN ({marks})"
    )  # table names from the models, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [Article.Status.PUBLISHED, *ids])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _kept(article: Article) -> tuple[str, str | None]:
    """A result's markup around its snippet and the words of its time, split there: (before the words,
    after them); or (the whole item, None) for a title that holds a placeholder's characters."""
    published = article.published
    context = {"article": article, "snippet": SNIPPET_HERE, "moment": TIME_HERE}
    html = get_template(RESULT_TEMPLATE).render(context)
    head, _, rest = html.partition(SNIPPET_HERE)
    middle, _, tail = rest.partition(TIME_HERE)
    if SNIPPET_HERE not in rest and TIME_HERE not in tail and rest and tail and published:
        # The time's tag (the publication time, in the key) is kept; its words are put in per request.
        return head + SNIPPET_HERE + middle + time_open(published), "</time>" + tail
    return html, None


def _results(found: SearchPage) -> list[Result]:
    """The page's result items. Their markup around the snippet and the time is rendered once per version
    of the story (`_versions`, and the language) and kept in the story cards' store; the snippet (the
    reader's words marked) and the relative time are put in per request. Only stories not kept are read
    whole. Nothing per reader is kept: the template receives only the story."""
    hits = found.hits
    if not hits:
        return []
    versions = _versions([hit.article_id for hit in hits])
    language = frame.language()
    to_moment = getattr(connection.ops, "convert_datetimefield_value", None)  # SQLite's, for its text
    keys = {pk: ("search result", pk, *version, language) for pk, version in versions.items()}
    held = {pk: store.get(key) for pk, key in keys.items()}
    missing = [pk for pk, kept in held.items() if kept is None or kept[1] is None]
    articles = queries.articles_by_ids(missing) if missing else {}
    results = []
    for hit in hits:
        snippet = mark_safe(hit.snippet_html)  # noqa: S308  # the backend escapes, adds only <mark> elements
        kept = held.get(hit.article_id)
        if kept is None or kept[1] is None:
            article = articles.get(hit.article_id)
            if article is None:  # unpublished between the search and now
                continue
            kept = _kept(article)
            if kept[1] is None:  # rendered afresh each time, with the snippet and the time in place
                context = {"article": article, "snippet": snippet, "moment": time_tag(article.published)}
                results.append(
                    Result(
                        hit.article_id,
                        get_template(RESULT_TEMPLATE).render(context),
                        None,
                        snippet,
                        article.published,
                    )
                )
                continue
            store.put(keys[hit.article_id], kept)
        published = versions[hit.article_id][1]
        if to_moment is not None:
            published = to_moment(published, None, connection)
        results.append(Result(hit.article_id, kept[0], kept[1], snippet, published))
    return results


FILTERS = ("source", "topic", "since", "until")
FILTERS_TEMPLATE = "web/partials/search_filters.html"


def _filters_html(form: SearchForm) -> SafeString:
    """The form's filter fields. A search that names no filter (the address holds none of them) and has no
    error shows the same filters to every reader: all sources, all topics, no dates. That markup is a
    remembered figure per language (newsdesk.core.figures: until content changes, which is also when the
    source and topic options are read again, or NEWSDESK_FIGURES_SECONDS pass); with any filter named it is
    rendered for this reader's values, as before. The search words are never in it."""

    def render() -> SafeString:
        return mark_safe(get_template(FILTERS_TEMPLATE).render({"form": form}))  # noqa: S308  # escaped there

    if form.errors or any(name in form.data for name in FILTERS):
        return render()
    return remembered(f"search filters {frame.language()}", render)


def _filters_query(form: SearchForm) -> dict[str, str]:
    """The query string of this search (for the pager and the feeds), without the page."""
    return {
        name: str(form.data[name])
        for name in ("q", "source", "topic", "since", "until")
        if form.data.get(name)
    }


@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    number = page_number(request)
    form = SearchForm(request.GET)
    found: SearchPage | None = None
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        query = SearchQuery(
            text=data["q"],
            source_id=data["source"].pk if data["source"] else None,
            topic_slug=data["topic"].slug if data["topic"] else None,
            since=data["since"],
            until=data["until"],
            page=number,
            per_page=page_size(),
            titles=False,
        )
        if data["q"] or request.GET:
            found = search(query)
    else:
        status = 400
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{form[name].id_for_label}-error"}
                )
    params = _filters_query(form)
    text = str(form.cleaned_data.get("q", "") if form.is_valid() else request.GET.get("q", "")).strip()
    text = text[:QUERY_MAX_CHARS]
    title = _("Search: %(query)s") % {"query": text} if text else _("Search")
    pages = math.ceil(found.total / page_size()) if found and found.total else 0
    base = links.reverse_remembered("web:search")
    context = {
        "form": form,
        "filters": _filters_html(form),
        "found": found,
        "results": _results(found) if found else [],
        "number": number,
        "pages": pages,
        "previous_url": f"{base}?{urlencode({**params, 'page': number - 1})}" if number > 1 else "",
        "next_url": f"{base}?{urlencode({**params, 'page': number + 1})}" if number < pages else "",
        "query_text": text,
        "feeds": (metadata.feed_links("search", title, query=params) if text else [])
        + metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=title,
            description=_("Search the news we have gathered."),
            path=f"{base}?{urlencode(params)}" if params else base,
            noindex=True,
        ),
        "nav": "search",
    }
    return render(request, "web/search.html", context, status=status)
