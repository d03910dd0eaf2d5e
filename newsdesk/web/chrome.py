"""The page frame's fixed parts (the masthead, the footer's text, the head's links), rendered once and kept.

Every public page repeats the same masthead, footer text and head links; only the language, the site's
name, the script prefix and URLconf, the feeds a page advertises and the masthead's current section change
them. On an article page they were a fifth of the template's time (9 `_()`, 6 `url()` and a `{% trans %}`
each time). `kept_part()` (a global of the public templates, newsdesk/web/jinja.py) keeps such a part's
HTML in this process:

    {% call kept_part("masthead", site_name, nav) %} … {% endcall %}

The body is rendered the first time and its HTML reused while the key is the same. The key is the part's
name, the values the template passes (everything the body reads from the page's context must be among
them), the active language and catalog, the script prefix, the URLconf, the template environment and
its autoescaping. A kept part must hold nothing of the reader's: no consent, no cookie, no CSRF token,
no query they typed. Those stay outside it: the footer's consent links are drawn after the kept text,
and a page with a reader's query (`query_text`: the search page, whose masthead and feeds hold it) keeps
no part at all.

Nothing needs invalidating: what a part shows comes from its key, and a new key is a new copy. The store
holds at most `ENTRIES` parts, least recently used first out (a topic's or a source's page advertises its
own feeds, so its head links and footer are parts of their own).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from newsdesk.core import frame

ENTRIES = 512

_lock = threading.Lock()
# key -> (catalog, environment, html): the catalog and environment are checked to be the same objects.
_kept: OrderedDict[tuple[Any, ...], tuple[Any, Any, Markup]] = OrderedDict()


def forget() -> None:
    """Drop the kept parts (tests: a changed template or setting is otherwise seen after a restart)."""
    with _lock:
        _kept.clear()


def _hashable(value: Any) -> Any:
    # A page's feeds come as a list; frozen dataclasses, strings and None hash as they are.
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, jinja2.Undefined):
        return None
    return value


@jinja2.pass_context
def kept_part(context: Context, name: str, *values: Any, caller: Callable[[], Markup]) -> Markup:
    """The `{% call %}` block's HTML for these values, rendered once per key (see the module's notes)."""
    # A page made from a reader's words keeps nothing of them. (`in` first: Jinja2's `get` of a name the
    # page lacks raises and catches a KeyError, and most pages lack this one.)
    if "query_text" in context and context["query_text"]:  # noqa: RUF019 (Context.get raises and catches)
        return caller()
    catalog = frame.catalog()
    engine = context.environment
    key = (
        name,
        frame.language(),
        id(catalog),
        frame.prefix(),
        frame.urlconf(),
        id(engine),
        context.eval_ctx.autoescape,
        *map(_hashable, values),
    )
    try:
        with _lock:
            held = _kept.get(key)
            if held is not None:
                _kept.move_to_end(key)
    except TypeError:  # a value that cannot be a key (a list of dicts, say): drawn afresh, not kept
        return caller()
    if held is not None and held[0] is catalog and held[1] is engine:
        return held[2]
    html = caller()  # Markup: escaped by the template engine as it rendered
    with _lock:
        _kept[key] = (catalog, engine, html)
        while len(_kept) > ENTRIES:
            _kept.popitem(last=False)
    return html
