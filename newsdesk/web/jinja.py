"""The Jinja2 environment of the public site's templates (docs/decisions/0029-jinja2-public-templates.md).

Django's own backend (`django.template.backends.jinja2.Jinja2`, config/settings/base.py) loads the templates
in each app's `jinja2/` folder and the operator's folder (NEWSDESK_TEMPLATES_DIR), escapes on output, and
runs the context processors named in its OPTIONS when a view renders with a request. This module gives the
templates what Django's tags gave them:

- `url()` (remembered, newsdesk.core.links.reverse_remembered), `static()`, `get_language()`,
  `get_language_bidi()`;
- `_()`, `gettext()`, `ngettext()`, `pgettext()` and `{% trans %}` (jinja2.ext.i18n) bound to Django's
  translation functions, so the site's catalogs and the active language apply as before;
- the kept parts: `kept_part()` (the page frame's fixed parts, newsdesk/web/chrome.py), `story_card()`,
  `card_list()`, `directory_rows()`, `source_mark()` (newsdesk/web/cards.py, fragments.py),
  `consent_banner()`, `consent_footer_links()`, `consent_snippets()` (newsdesk/consent/kept.py) and
  `newsletter_signup_box()`;
- the page helpers' filters (newsdesk/web/templatetags/newsdesk_web.py), and Django's `date`, `yesno`,
  `truncatechars` and `urlencode`.

Each rendered template sends Django's `template_rendered` signal when something listens (the test client
does; nothing does in production), so `response.context` and `assertTemplateUsed` work as with Django's
engine.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jinja2
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import truncatechars, urlencode, yesno
from django.template.utils import get_app_template_dirs
from django.templatetags.static import static as django_static
from django.test.signals import template_rendered
from django.utils import dateformat, translation
from django.utils.formats import get_format
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs
from jinja2.runtime import Context, new_context

from newsdesk.core import frame
from newsdesk.core.links import reverse_remembered
from newsdesk.web.chrome import kept_part
from newsdesk.web.templatetags import newsdesk_web as web


class SignalledTemplate(jinja2.Template):
    """A template that tells Django's test client what it rendered with (only while a test listens)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        if template_rendered.receivers:
            template_rendered.send(sender=self, template=self, context=dict(*args, **kwargs))
        with frame.rendering():  # the language, catalog, prefix and URLconf read once per page
            return super().render(*args, **kwargs)

    def new_context(
        self, vars: dict[str, Any] | None = None, shared: bool = False, locals: Any = None
    ) -> Context:
        """Jinja2's, with the template's globals as one plain dict. Jinja2 keeps them as a ChainMap (the
        template's own over the environment's) and copies it key by key in Python twice on every render
        (the page's context, then its set of global names): 13 µs a render. The environment's globals are
        set once, when it is made (environment() below); a changed count is read again all the same."""
        sizes = tuple(map(len, getattr(self.globals, "maps", (self.globals,))))
        if self._flat_sizes != sizes:
            self._flat_globals, self._flat_sizes = dict(self.globals), sizes
        return new_context(self.environment, self.name, self.blocks, vars, shared, self._flat_globals, locals)

    _flat_globals: dict[str, Any] = {}  # replaced per template, never changed in place
    _flat_sizes: tuple[int, ...] = ()


def gettext(message: str) -> str:
    """Django's gettext, remembered per catalog: the frame asks for the same twenty words on every page, and
    each lookup walked the catalog's chain of fallbacks. Keyed on the active catalog object itself, so a
    language switch or a reloaded catalog (tests change LOCALE_PATHS) gets its own words."""
    catalog = frame.catalog()
    held = _words.get((id(catalog), message))
    if held is not None and held[0] is catalog:
        return held[1]
    words = translation.gettext(message)
    if len(_words) >= WORDS:
        _words.clear()
    _words[(id(catalog), message)] = (catalog, words)
    return words


WORDS = 4096
_words: dict[tuple[int, str], tuple[Any, str]] = {}

# Django's date format characters whose output depends only on the day, or only on the hour and minute.
_BY_DAY = frozenset("bdDEFjlLmMnNoStwWyYz")
_BY_MINUTE = frozenset("aAfgGhHiP")
DATE_PARTS = 8192
_date_parts: dict[tuple[int, str, int, int, int], tuple[Any, str]] = {}


@lru_cache(maxsize=64)
def _format_pieces(pattern: str) -> tuple[tuple[str, bool], ...]:
    """A date format cut as Django's `Formatter.format` cuts it: (text, False) for what is written as it
    is (escapes undone), (character, True) for each format character."""
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(pattern)):
        if i % 2:
            pieces.append((piece, True))
        elif piece:
            pieces.append((dateformat.re_escaped.sub(r"\1", piece), False))
    return tuple(pieces)


def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, the same text, with each part that depends only on the day (a month's name)
    or only on the hour and minute ("2:15 p.m.") remembered per catalog: an article's shown date cost
    its format's parse, a formatter and a translated month name on every page. Anything else (a time zone,
    seconds, a value that is not a datetime, no format) goes to Django's filter as it is.
    An aware datetime is shown in the site's time zone first, as Django's own template engine does for
    its `date` filter (`expects_localtime`); Jinja2 passes values to filters untouched."""
    if type(value) is datetime.datetime and settings.USE_TZ and value.utcoffset() is not None:
        # What template_localtime() does for an aware datetime, with the page's held zone.
        value = frame.localtime(value) if getattr(value, "convert_to_local_time", True) else value
    else:
        value = template_localtime(value)
    if type(value) is not datetime.datetime or not arg:  # no format: Django's DATE_FORMAT
        return django_date(value, arg)
    pattern = get_format(arg)
    if not isinstance(pattern, str):
        return django_date(value, arg)
    catalog = frame.catalog()
    out = []
    for piece, special in _format_pieces(pattern):
        if not special:
            out.append(piece)
            continue
        if piece in _BY_DAY:
            key = (id(catalog), piece, value.year, value.month, value.day)
        elif piece in _BY_MINUTE:
            key = (id(catalog), piece, value.hour, value.minute, -1)
        else:
            out.append(dateformat.format(value, piece))
            continue
        held = _date_parts.get(key)
        if held is None or held[0] is not catalog:
            if len(_date_parts) >= DATE_PARTS:
                _date_parts.clear()
            held = (catalog, dateformat.format(value, piece))
            _date_parts[key] = held
        out.append(held[1])
    return "".join(out)


def get_language_bidi() -> bool:
    """Django's get_language_bidi(), with the language the page holds (newsdesk/core/frame.py)."""
    language = frame.language()
    return language is not None and language.split("-")[0] in settings.LANGUAGES_BIDI


def static(path: str) -> str:
    """Django's static(), remembered per path, STATIC_URL and storage (a file's address is fixed while the
    process runs: the manifest is read at start)."""
    key = (path, settings.STATIC_URL, id(getattr(staticfiles_storage, "_wrapped", None)))
    address = _static.get(key)
    if address is None:
        address = _static[key] = django_static(path)
    return address


_static: dict[tuple[str, str | None, int], str] = {}


def url(view_name: str, *args: Any, **kwargs: Any) -> str:
    """`{{ url("web:story", 12) }}`: reverse(), remembered per script prefix and URLconf."""
    return reverse_remembered(view_name, args, kwargs)


@jinja2.pass_context
def consent_banner(context: Context) -> Any:
    from newsdesk.consent import kept

    return kept.banner(context)


@jinja2.pass_context
def consent_footer_links(context: Context) -> Any:
    from newsdesk.consent import kept

    return kept.footer_links(context)


@jinja2.pass_context
def consent_snippets(context: Context) -> Any:
    from newsdesk.consent.kept import snippets

    return snippets(context)


@jinja2.pass_context
def newsletter_signup_box(context: Context) -> Any:
    from newsdesk.newsletter.signup_box import signup_box

    return signup_box(context)


def live_cursor() -> int:
    """Where the Live News column's stream resumes: the newest event's id, remembered like the site's other
    figures (newsdesk/core/figures.py: until content changes or NEWSDESK_FIGURES_SECONDS pass) instead of a
    query on every list page. A remembered id is never newer than the log, only older: the stream then
    sends again events the page may already show, which live.js steps over (a headline already listed,
    an outlet count set to the same number), as it does for a page the page cache kept."""
    from newsdesk.core.figures import remembered
    from newsdesk.live.queries import latest_event_id

    return remembered("live cursor", latest_event_id)


FILTERS = {
    "article_url": web.article_url,
    "source_url": web.source_url,
    "topic_url": web.topic_url,
    "lead_image_url": web.lead_image_url,
    "icon_url": web.icon_url,
    "relative_time": web.relative_time,
    "byline": web.byline,
    "monogram": web.monogram,
    "monogram_tone": web.monogram_tone,
    "lang_attr": web.lang_attr,
    "json_ld": web.json_ld,
    "news_language": web.news_language,
    "card_excerpt": web.card_excerpt,
    # Django's, for the same words and formats as before.
    "date": date,
    "yesno": yesno,
    "truncatechars": truncatechars,
    "urlencode": urlencode,
}

GLOBALS = {
    "url": url,
    "static": static,
    "get_language": frame.language,
    "get_language_bidi": get_language_bidi,
    "time_tag": web.time_tag,
    "story_card": web.story_card,
    "card_list": web.card_list,
    "directory_rows": web.directory_rows,
    "source_mark": web.source_mark_tag,
    "latest_headlines": web.latest_headlines,
    "live_cursor": live_cursor,
    "consent_banner": consent_banner,
    "consent_footer_links": consent_footer_links,
    "consent_snippets": consent_snippets,
    "newsletter_signup_box": newsletter_signup_box,
    "kept_part": kept_part,
}


class PublicTemplates(jinja2.BaseLoader):
    """The operator's folder (NEWSDESK_TEMPLATES_DIR) overrides public templates only. A name that no
    app's `jinja2/` folder has (an admin or console template, a mail) is not looked for here, so an
    operator's Django-syntax override of it reaches Django's engine, which reads the same folder."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader = loader
        self._names: frozenset[str] | None = None

    def public(self) -> frozenset[str]:
        if self._names is None:
            dirs = [str(d) for d in get_app_template_dirs("jinja2")]
            self._names = frozenset(jinja2.FileSystemLoader(dirs).list_templates())
        return self._names

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in self.public():
            raise jinja2.TemplateNotFound(template)
        return self.loader.get_source(environment, template)


def environment(**options: Any) -> jinja2.Environment:
    if "loader" in options:
        options["loader"] = PublicTemplates(options["loader"])
    extensions = list(options.pop("extensions", []))
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    options.pop("autoescape", None)  # always on: every value is escaped unless marked safe
    # A template's last newline stays, as with Django's engine (a partial's newline is a space on the page).
    options.setdefault("keep_trailing_newline", True)
    env = jinja2.Environment(extensions=extensions, autoescape=True, **options)
    env.template_class = SignalledTemplate
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    # Old-style gettext: `_("…")` returns plain text, escaped on output as Django's {% translate %} was;
    # a {% trans %} block's text is trusted and its variables escaped, as with {% blocktranslate %}.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext,
        translation.ngettext,
        newstyle=False,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    # `_()` is our gettext itself. jinja2.ext.i18n makes it an alias that takes the page's context and looks
    # `gettext` up in it on every call; a function that takes the context is also given a copy of it (every
    # block, one list per block) when it is called after a `{% set %}` in a block or inside a loop. The
    # words are the same: the alias found this same function.
    env.globals["_"] = gettext
    return env
