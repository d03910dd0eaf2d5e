"""Subscribers, their proof of consent, digest runs and the per-recipient send record.

Only `actions.py` writes these. The send record (`Send`, unique per run and subscriber) is what makes a
digest run idempotent: see `sending.py` and docs/decisions/0004.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def new_key() -> str:
    return secrets.token_urlsafe(18)


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def receiving(self) -> SubscriberQuerySet:
        """Confirmed and not paused: the ones digests go to."""
        return self.confirmed().filter(paused=False)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        CONFIRMED = "confirmed"
        UNSUBSCRIBED = "unsubscribed"
        BOUNCED = "bounced"

    class Frequency(models.TextChoices):
        DAILY = "daily"
        WEEKLY = "weekly"

    email = models.CharField(max_length=254)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    paused = models.BooleanField(default=False)
    # No topic and no source chosen means "everything".
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="subscribers")
    sources = models.ManyToManyField("sources.Source", blank=True, related_name="subscribers")

    # The unsubscribe link (List-Unsubscribe) carries this key, signed; it never changes.
    key = models.CharField(max_length=40, unique=True, default=new_key)
    # Manage links (preferences, export, delete) carry this one, signed with a time; rotating it revokes them.
    manage_key = models.CharField(max_length=40, unique=True, default=new_key)
    # The confirmation link carries this nonce, signed with a timestamp; confirming clears it (single use).
    confirm_nonce = models.CharField(max_length=40, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    pending_since = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    # Stories stored after this instant go into the next digest.
    digest_cursor = models.DateTimeField(null=True, blank=True)
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    bounce_count = models.PositiveIntegerField(default=0)
    bounced_at = models.DateTimeField(null=True, blank=True)
    last_bounce = models.TextField(blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci")]

    def __str__(self) -> str:
        return self.email


class Consent(models.Model):
    """Proof of consent: what was agreed, when, on which form, from where (a keyed hash, never an IP)."""

    class Action(models.TextChoices):
        SIGNUP = "signup"
        CONFIRM = "confirm"
        PREFERENCES = "preferences"
        RESUBSCRIBE = "resubscribe"
        UNSUBSCRIBE = "unsubscribe"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    form_version = models.CharField(max_length=40, blank=True)
    source_hash = models.CharField("pseudonymous source", max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class DigestRun(models.Model):
    """One pass over the due subscribers. `cutoff` is fixed at its start, so a resumed run sends the same."""

    started_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    forced = models.BooleanField(default=False, help_text="every confirmed subscriber counted as due (--now)")
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    bounced = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"digest run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class DigestBatch(models.Model):
    """A stretch of a run's subscribers (by id) that one sending worker claims at a time.

    Claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL (a compare-and-set UPDATE on SQLite) and
    held under a lease that its worker renews as it sends; a batch whose worker died is claimed again once
    the lease has run out. The send record (`Send`) still decides, alone, whether a digest may go.
    """

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="batches")
    first_id = models.PositiveBigIntegerField()
    last_id = models.PositiveBigIntegerField()
    owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0, help_text="times claimed: more than one means taken over")
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "done"], name="newsletter_batch_open")]

    def __str__(self) -> str:
        return f"subscribers {self.first_id}-{self.last_id} of run {self.run_id}"


class Send(models.Model):
    """One subscriber's digest in one run: the record that stops a second send."""

    class State(models.TextChoices):
        SENT = "sent"  # handed to the mail server (recorded just before the final dot)
        DEFERRED = "deferred"  # a 4xx answer; retried with backoff within the run
        FAILED = "failed"  # still 4xx after every try: the next run tries again
        BOUNCED = "bounced"  # a 5xx answer: the address gets no more mail

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="sends")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="sends")
    state = models.CharField(max_length=10, choices=State.choices)
    items = models.JSONField(default=list, help_text="article ids in the digest")
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The subscriber's schedule before this send, put back if the server then refuses the message.
    previous_cursor = models.DateTimeField(null=True, blank=True)
    previous_next = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["run", "subscriber"], name="newsletter_send_once")]

    def __str__(self) -> str:
        return f"{self.state} to {self.subscriber_id} in run {self.run_id}"
