"""Sent after a story assignment commits, with article_id: int, story_id: int, created: bool (a new
story) and count: int (its outlets). Live News listens."""

from django.dispatch import Signal

story_assigned = Signal()
