"""Signals of the ingest pipeline, sent after the source's record has committed.

Receivers live above this layer and get plain values: websub subscribes to the hubs a feed names.
"""

from django.dispatch import Signal

# Sent after a source's feed was checked without error, with source_id: int, hubs: tuple[str, ...] | None
# (the WebSub hubs the feed names; None when it was not read again, a 304) and topic: str | None (its
# rel="self" URL, or None).
feed_checked = Signal()
