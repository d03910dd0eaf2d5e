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


class Counter(models.Model):
    """A running total shared by every process (requeued tasks, failed enqueues): `newsdesk.core.counters`."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
