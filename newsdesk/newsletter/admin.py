"""Subscribers (status, topics, bounces), digest runs, sends and the consent proof, in the Django admin.

Consent and send records are evidence: the admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Consent, DigestRun, Send, Subscriber


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = readonly_fields = ("action", "at", "form_version", "source_hash", "details")


class SendInline(ReadOnlyInline):
    model = Send
    fields = readonly_fields = ("run", "state", "at", "attempts", "error")
    ordering = ("-id",)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "frequency", "paused", "topic_count", "bounce_count", "confirmed_at",
                    "last_digest_at")  # fmt: skip
    list_filter = ("status", "frequency", "paused", "topics")
    search_fields = ("email",)
    filter_horizontal = ("topics", "sources")
    readonly_fields = ("key", "confirm_nonce", "created_at", "pending_since", "confirmation_sent_at",
                       "confirmed_at", "unsubscribed_at", "digest_cursor", "last_digest_at", "bounce_count",
                       "bounced_at", "last_bounce")  # fmt: skip
    inlines = (ConsentInline, SendInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).annotate(topic_total=Count("topics", distinct=True))

    @admin.display(description="topics", ordering="topic_total")
    def topic_count(self, obj: Subscriber) -> int:
        return obj.topic_total  # type: ignore[attr-defined]


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    readonly_fields = (
        "started_at",
        "cutoff",
        "forced",
        "finished_at",
        "sent",
        "skipped",
        "failed",
        "bounced",
    )
    list_display = ("id", *readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Send)
class SendAdmin(admin.ModelAdmin):
    list_display = ("id", "run", "subscriber", "state", "attempts", "at")
    list_filter = ("state",)
    search_fields = ("subscriber__email", "message_id")
    list_select_related = ("subscriber", "run")
    readonly_fields = [f.name for f in Send._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "action", "at", "form_version", "source_hash")
    list_filter = ("action", "form_version")
    search_fields = ("subscriber__email",)
    list_select_related = ("subscriber",)
    readonly_fields = [f.name for f in Consent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
