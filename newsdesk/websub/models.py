"""One WebSub subscription per source, and the pushed bodies waiting to be ingested."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from newsdesk.sources.models import Source

SUBSCRIBE = "subscribe"
UNSUBSCRIBE = "unsubscribe"


class Subscription(models.Model):
    """A source's subscription at one hub, for one topic.

    `state` is what `sources list --json` shows: pending (asked, the hub has not confirmed), active
    (confirmed, within its lease) or failed (refused, unconfirmed or lapsed; tried again at
    `retry_at`). `pending_mode` is the request the hub may verify now: only that mode, for that
    topic, gets the challenge echoed. A renewal keeps the state active while it is pending.

    The row outlives its source on purpose (no database constraint, nothing cascades): after a
    source is removed, the row still knows the hub, topic and callback needed to unsubscribe, and
    is deleted when the hub confirms (or gives up).
    """

    PENDING = "pending"
    ACTIVE = "active"
    FAILED = "failed"
    STATES = [(PENDING, "pending"), (ACTIVE, "active"), (FAILED, "failed")]
    MODES = [("", "none"), (SUBSCRIBE, "subscribe"), (UNSUBSCRIBE, "unsubscribe")]

    source = models.OneToOneField(
        Source, on_delete=models.DO_NOTHING, db_constraint=False, related_name="websub"
    )
    hub = models.URLField(max_length=2000)
    topic = models.URLField(max_length=2000)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    pending_mode = models.CharField(max_length=12, choices=MODES, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    removed = models.BooleanField(default=False, help_text="The source is gone; unsubscribing.")
    # The callback's path segment and the HMAC key the hub signs pushes with; both unguessable.
    token = models.CharField(max_length=64, unique=True)
    secret = models.CharField(max_length=128)
    # The strongest signature method the hub has used: weaker ones (sha1) are refused after it.
    signed_with = models.CharField(max_length=10, blank=True)
    lease_seconds = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    renew_at = models.DateTimeField(null=True, blank=True, db_index=True)
    retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Pushes: a task is queued for this source since then (one at a time), and what came in.
    push_queued_at = models.DateTimeField(null=True, blank=True)
    overflowed = models.BooleanField(default=False)
    last_push_at = models.DateTimeField(null=True, blank=True)
    pushes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} at {self.hub} ({self.state})"


class Push(models.Model):
    """A pushed feed body, kept until the push task has ingested it (oldest first)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="waiting")
    body = models.BinaryField()
    content_type = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"push {self.pk} for subscription {self.subscription_id}"
