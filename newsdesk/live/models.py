from __future__ import annotations

from django.db import models
from django.utils import timezone


class LiveEvent(models.Model):
    """One "an article was published" event: the id is the stream's cursor (SSE `id:`).

    Ids are given out in commit order (SQLite has one writer; on PostgreSQL the insert holds an
    advisory lock until commit), so a reader that has seen id N has seen every event below N.
    An article gets at most one event; the row outlives its payload (`data` is emptied after
    NEWSDESK_LIVE["KEEP_DAYS"]) so that a later edit of the article is never announced again.
    """

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, related_name="live_event")
    source_id = models.BigIntegerField(db_index=True)
    # ",slug,slug," so that a topic filter is a plain LIKE on every database.
    topic_keys = models.CharField(max_length=1000, blank=True)
    # "" for an article's headline; "story" for later coverage of a story already announced (the SSE
    # event type: the browser updates that story's count in place instead of adding a headline).
    kind = models.CharField(max_length=20, blank=True, default="")
    # The event's JSON, exactly as it is sent.
    data = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"live event {self.pk} (article {self.article_id})"
