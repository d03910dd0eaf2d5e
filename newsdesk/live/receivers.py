"""Live News follows `article_stored` (sent on commit, so nothing rolled back is ever announced)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    """A published article gets its event: a new one, or one approved later from quarantine.

    An update of a story already announced publishes nothing (do_publish_article checks). A
    failure is logged and never breaks the writer: the story still shows on the next page load.
    """
    if status != "published":
        return
    from .actions import do_publish_article

    try:
        do_publish_article(article_id)
    except Exception:
        log.exception("Could not publish the live event of article %s", article_id)
