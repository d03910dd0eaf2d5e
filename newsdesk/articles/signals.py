"""Signals sent after an article's transaction commits (never for a rolled-back write).

Receivers: topics (assignment), search (the page caches forget), live (the Live News event). They get ids.
"""

from django.dispatch import Signal

# Sent with article_id: int, created: bool, status: str; and, from a store or an update, lead_image: bool
# (the article names a lead image). A receiver must not count on lead_image (an approval leaves it out).
article_stored = Signal()
