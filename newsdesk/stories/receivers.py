"""Stories follow each stored article: `article_stored` (sent on commit) triggers the assignment.

Like topics, a receiver and not a pipeline step, so every writer gets it. A failure is logged and
never breaks the writer; `newsdesk stories rebuild` repairs any gap.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    from django.conf import settings

    if not created or status != "published" or not settings.NEWSDESK_STORIES["ENABLED"]:
        return
    from .actions import do_assign_story

    try:
        do_assign_story(article_id)
    except Exception:
        log.exception("Could not place article %s in a story", article_id)
