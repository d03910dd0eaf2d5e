"""The few rows the whole installation shares: which background processes were seen, and when."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One row per running process of a role ("worker", "scheduler", "web"): written every few
    seconds by the process itself, read by health checks, `newsdesk doctor` and the dashboard."""

    role = models.CharField(max_length=32)
    name = models.CharField(max_length=200, help_text="host:pid, or another name unique per process")
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "name"], name="core_heartbeat_role_name")]

    def __str__(self) -> str:
        return f"{self.role} {self.name}"


class Tally(models.Model):
    """A counter per metric, label and time bucket (an hour or a day), kept by the actions that do the
    counted thing (docs/decisions/0022-aggregate-tables.md). `count` counts events; `total` sums a
    value that came with them (seconds, readers), so a mean is total / count."""

    class Period(models.TextChoices):
        HOUR = "h"
        DAY = "d"

    metric = models.CharField(max_length=64)
    label = models.CharField(max_length=64, blank=True, default="")
    period = models.CharField(max_length=1, choices=Period.choices)
    bucket_start = models.DateTimeField()
    count = models.BigIntegerField(default=0)
    total = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period", "bucket_start", "label"], name="core_tally_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}[{self.label}] {self.period} {self.bucket_start:%Y-%m-%d %H:%M}: {self.count}"


class Counter(models.Model):
    """A running total shared by every process (requeued tasks, failed enqueues): `newsdesk.core.counters`."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
