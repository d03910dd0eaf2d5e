"""After an article is stored (on commit), tell the page caches on this machine to forget.

The search index itself needs no receiver: database triggers keep it current in the writer's
own transaction. The page cache (config/wsgi.py) lives in the web processes, so the worker
signals it through a stamp file whose change every web process notices on its next request.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    from django.conf import settings

    from newsdesk.core.pagecache import mark_changed

    try:
        mark_changed(settings.DATA_DIR / ".content-changed")
    except OSError:
        log.warning("Could not touch the page-cache stamp in %s", settings.DATA_DIR)
