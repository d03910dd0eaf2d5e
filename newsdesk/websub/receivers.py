"""WebSub follows the ingest pipeline (`feed_checked`) and the sources (`source_removed`), on commit.

A failure is logged and never breaks the poll or the removal that sent the signal.
"""

from __future__ import annotations

import logging

from newsdesk.core.clock import utcnow

log = logging.getLogger(__name__)


def on_feed_checked(
    sender: object, source_id: int, hubs: tuple[str, ...] | None, topic: str | None, **kwargs: object
) -> None:
    from .actions import do_discovered, do_not_modified

    try:
        if hubs is None:  # a 304: the common case, one UPDATE that changes nothing without a subscription
            do_not_modified(source_id, utcnow())
        else:
            do_discovered(source_id, hubs, topic, utcnow())
    except Exception:
        log.exception("Could not update the WebSub subscription of source %s", source_id)


def on_feeds_not_modified(sender: object, source_ids: list[int], **kwargs: object) -> None:
    """A chunk's 304s (ingest/batch.py): what on_feed_checked does for each, in one statement."""
    from .actions import do_not_modified_many

    try:
        do_not_modified_many(source_ids, utcnow())
    except Exception:
        log.exception("Could not update the WebSub subscriptions of %d source(s)", len(source_ids))


def on_source_removed(sender: object, source_id: int, url: str, **kwargs: object) -> None:
    from .actions import do_mark_removed

    try:
        do_mark_removed(source_id, utcnow())
    except Exception:
        log.exception("Could not unsubscribe removed source %s from its hub", source_id)
