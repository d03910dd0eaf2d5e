"""A web thread starts with the site's default language and time zone active, and its caches opened.

Django keeps the active language, the active time zone and each thread's cache handles in asgiref
`Local`s. Nothing in Newsdesk activates a language or a time zone (there is no LocaleMiddleware: the
site has one language, `NEWSDESK_LANGUAGE`), so on every page each `gettext`, `get_language`,
`get_current_timezone` and `catalog` call found no value there and fell back to the default: a miss
in a `Local` raises and catches an `AttributeError` whose message formats the `Local`'s repr, about
5 µs each, nine times an article page. The request's end (`close_caches`) took the same path for a
thread whose page never touched a cache.

`with_thread_defaults(app)` makes the defaults the thread's active ones the first time the thread
runs a request (and again after a change to the settings they come from), so those lookups find their
value. The answers are the same objects the fallbacks gave: `translation(LANGUAGE_CODE)` is the
catalog `gettext` fell back to, `get_default_timezone()` the zone `get_current_timezone()` fell back
to. A setting whose language code Django would spell differently once active (`pt-BR` is active as
`pt-br`) is left inactive, so `get_language()` answers exactly as before. Anything that activates or
deactivates a language or a zone during a request still works as Django's own code expects: a
deactivated thread is merely back on the fallback path. No reader's state is involved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_SOURCES = frozenset({"LANGUAGE_CODE", "TIME_ZONE", "USE_I18N", "USE_TZ", "CACHES"})


class _Thread(threading.local):
    generation = -1


_thread = _Thread()
_generation = 0


def thread_defaults() -> None:
    """Activate the default language and time zone in this thread, and open its caches."""
    from django.conf import settings
    from django.core.cache import caches
    from django.utils import timezone, translation

    code = settings.LANGUAGE_CODE
    translation.activate(code)
    if translation.get_language() != code:
        translation.deactivate()
    timezone.activate(timezone.get_default_timezone())
    for alias in settings.CACHES:
        caches[alias]
    _thread.generation = _generation


def with_thread_defaults(app: WSGIApp) -> WSGIApp:
    """`app`, with `thread_defaults()` run in each thread before its first request."""

    def call(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if _thread.generation != _generation:
            thread_defaults()
        return app(environ, start_response)

    return call


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: object) -> None:
    global _generation
    if setting in _SOURCES:
        _generation += 1
