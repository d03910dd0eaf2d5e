"""Topics follow each stored article: `article_stored` (sent on commit) triggers the assignment.

A receiver, not a pipeline step: the pipeline stores articles and knows nothing of topics, and any
other writer (the admin, a future import) gets topics for free. Classification is a pure function
of a few kilobytes of text (about a millisecond), so it runs inline; a failure is logged and
never breaks the writer, and `newsdesk topics rebuild` repairs any gap.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    from .assign import assign_one

    try:
        assign_one(article_id)
    except Exception:
        log.exception("Could not assign topics to article %s", article_id)
