from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone


class Source(models.Model):
    """An outlet's feed that we poll."""

    url = models.URLField("feed URL", max_length=2000, unique=True)
    name = models.CharField(max_length=300)
    site_url = models.URLField(max_length=2000, blank=True)
    icon_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Conditional GET: what the last response said.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Scheduling.
    last_fetched = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    interval_seconds = models.PositiveIntegerField(default=3600)
    queued_at = models.DateTimeField(null=True, blank=True)
    queued_task = models.CharField(max_length=64, blank=True, help_text="The id of the queued refresh task.")
    # The lease of the worker refreshing the source: held until `lease_until` (renewed while it works),
    # so that two workers never refresh one source at once and a killed worker's source is soon free.
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # When the last refresh started; later than last_fetched with no lease: that attempt was cut off.
    attempted_at = models.DateTimeField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="The first of the failed checks in a row, until one works again."
    )
    last_error = models.TextField(blank=True)

    # Integrity: spam seen from this source lately, and whether its new items are held.
    spam_count = models.PositiveIntegerField(
        default=0, help_text="Spam items and articles with planted spam seen within the counting window."
    )
    last_spam_at = models.DateTimeField(null=True, blank=True)
    held_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the source looks compromised: its new items wait for review.",
    )
    held_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.url

    def state(self, now: datetime) -> str:
        """ "fetching" (a worker holds it), "interrupted" (the last attempt was cut off), "error" or "ok"."""
        if self.lease_until is not None and self.lease_until > now:
            return "fetching"
        if self.attempted_at is not None and (
            self.last_fetched is None or self.last_fetched < self.attempted_at
        ):
            return "interrupted"
        return "error" if self.last_error else "ok"

    @property
    def is_held(self) -> bool:
        """Possibly compromised: new items are quarantined until a person looks."""
        return self.held_since is not None


# Upper bounds (milliseconds) of the fetch-time histogram kept per source and day; the last is open.
FETCH_MS_BOUNDS = (100, 250, 500, 1000, 2500, 5000, 10000)
FETCH_MS_COLUMNS = tuple(f"ms_{i}" for i in range(len(FETCH_MS_BOUNDS) + 1))


class SourceDay(models.Model):
    """What one source did on one (UTC) day: checks by outcome, articles stored, and how long the
    fetches took (a histogram, for the median). Kept by the actions, read by the operator console
    (docs/decisions/0022-aggregate-tables.md): one row per source and day, never a scan of articles."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    fetches = models.PositiveIntegerField(db_default=0)
    new_content = models.PositiveIntegerField(db_default=0, help_text="checks that answered with a feed body")
    not_modified = models.PositiveIntegerField(db_default=0, help_text="checks answered 304 Not Modified")
    failures = models.PositiveIntegerField(db_default=0)
    articles = models.PositiveIntegerField(db_default=0, help_text="articles stored")
    fetch_seconds = models.FloatField(db_default=0.0)
    ms_0 = models.PositiveIntegerField(db_default=0)
    ms_1 = models.PositiveIntegerField(db_default=0)
    ms_2 = models.PositiveIntegerField(db_default=0)
    ms_3 = models.PositiveIntegerField(db_default=0)
    ms_4 = models.PositiveIntegerField(db_default=0)
    ms_5 = models.PositiveIntegerField(db_default=0)
    ms_6 = models.PositiveIntegerField(db_default=0)
    ms_7 = models.PositiveIntegerField(db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="sources_sourceday_day")]
        indexes = [models.Index(fields=["source", "day"], name="sources_sourceday_source")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.day}"
