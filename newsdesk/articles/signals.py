"""Signals sent after an article's transaction commits (never for a rolled-back write).

Receivers: the search index, the live stream, story clustering. They get ids, not objects.
"""

from django.dispatch import Signal

# Sent with article_id: int, created: bool, status: str.
article_stored = Signal()
