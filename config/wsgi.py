from __future__ import annotations

import os
from typing import TYPE_CHECKING

from django.core.wsgi import get_wsgi_application

if TYPE_CHECKING:
    from newsdesk.core.pagecache import WSGIApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application: WSGIApp = get_wsgi_application()


def _with_thread_defaults(app: WSGIApp) -> WSGIApp:
    """Each serving thread has the default language and time zone active (newsdesk/core/threadstate.py)."""
    from newsdesk.core.threadstate import with_thread_defaults

    return with_thread_defaults(app)


def _with_page_cache(app: WSGIApp) -> WSGIApp:
    """Anonymous pages are answered from a short-lived cache before Django (newsdesk/core/pagecache.py)."""
    from django.conf import settings

    seconds = settings.NEWSDESK_SITE.get("PAGE_CACHE_SECONDS", 0)
    if seconds <= 0:
        return app
    from newsdesk.core.pagecache import PageCache
    from newsdesk.core.tallies import Batch

    pages = Batch()  # page requests by cache outcome, written every few seconds (core/tallies.py)
    return PageCache(
        app,
        ttl=seconds,
        max_entries=settings.NEWSDESK_SITE.get("PAGE_CACHE_ENTRIES", 2000),
        stamp_path=settings.DATA_DIR / ".content-changed",
        counter=lambda outcome: pages.add("pages", outcome),
    )


application = _with_page_cache(_with_thread_defaults(application))
