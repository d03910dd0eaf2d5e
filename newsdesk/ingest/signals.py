"""Signals of the ingest pipeline, sent after the source's record has committed.

Receivers live above this layer and get plain values: websub subscribes to the hubs a feed names.
"""

from django.dispatch import Signal

# Sent after a source's feed was checked without error, with source_id: int, hubs: tuple[str, ...] | None
# (the WebSub hubs the feed names; None when it was not read again, a 304) and topic: str | None (its
# rel="self" URL, or None).
feed_checked = Signal()

# Sent at the end of a chunk of sources (ingest/batch.py) with source_ids: list[int], the sources of the
# chunk whose check answered 304 and was recorded: what `feed_checked` with hubs=None says for one
# source, said once for the chunk (one statement for the whole chunk, instead of one per 304).
feeds_not_modified = Signal()
