"""Subscribers (status, topics, bounces), digest runs, sends and the consent proof, in the Django admin.

Every write goes through actions.py, with the same proof a reader's own change leaves (form "admin-v1",
a keyed hash of the network address, and who did it):
- adding a subscriber signs the address up on the person's behalf: it is pending, gets the confirmation
  mail, and receives nothing until the person confirms (double opt-in holds for staff too);
- a change of frequency, pause, topics or sources is a preferences change; the address and the status
  are not edited ("Unsubscribe" is an admin action);
- deleting removes the subscriber and everything kept about them, as their own delete link does.
Consent and send records and digest runs are evidence: the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from newsdesk.consent.admin import ReadOnlyAdmin
from newsdesk.core.clock import utcnow

from . import actions
from .abuse import source_hash
from .forms import normalise_email
from .models import Consent, DigestRun, Send, Subscriber
from .tasks import send_confirmation

# The form version of what a member of staff entered in the admin (Consent.form_version).
ADMIN_FORM = "admin-v1"
CHOICES = ("frequency", "paused", "topics", "sources")
SHOWN = ("key", "confirm_nonce", "created_at", "pending_since", "confirmation_sent_at", "confirmed_at",
         "unsubscribed_at", "digest_cursor", "next_digest_at", "last_digest_at", "bounce_count", "bounced_at",
         "last_bounce")  # fmt: skip


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]  # not subscriptable at run time
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


class SubscriberForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = Subscriber
        fields = ("email", *CHOICES)

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data.get("email", ""))
        taken = Subscriber.objects.filter(email__iexact=email).first()
        if taken is not None:
            raise forms.ValidationError(f"{taken.email} is already on the list ({taken.status}).")
        return email


def _proof(request: HttpRequest) -> actions.Proof:
    return actions.Proof(ADMIN_FORM, source_hash(request), by=request.user.get_username())


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    form = SubscriberForm
    list_display = ("email", "status", "frequency", "paused", "topic_count", "bounce_count", "confirmed_at",
                    "last_digest_at")  # fmt: skip
    list_filter = ("status", "frequency", "paused", "topics")
    search_fields = ("email",)
    filter_horizontal = ("topics", "sources")
    actions = ("unsubscribe",)

    def get_fields(self, request: HttpRequest, obj: Subscriber | None = None) -> tuple[str, ...]:
        if obj is None:  # a signup on the person's behalf: what the signup form asks
            return ("email", "frequency", "topics", "sources")
        return ("email", "status", *CHOICES, *SHOWN)

    def get_readonly_fields(self, request: HttpRequest, obj: Subscriber | None = None) -> tuple[str, ...]:
        return () if obj is None else ("email", "status", *SHOWN)

    def get_inlines(self, request: HttpRequest, obj: Subscriber | None) -> tuple[type[ReadOnlyInline], ...]:
        return () if obj is None else (ConsentInline, SendInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        queryset: QuerySet[Subscriber] = super().get_queryset(request)
        return queryset.annotate(topic_total=Count("topics", distinct=True))

    @admin.display(description="topics", ordering="topic_total")
    def topic_count(self, obj: Subscriber) -> int:
        return int(obj.topic_total)  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Subscriber, form: Any, change: bool) -> None:
        data = form.cleaned_data
        topics, sources = (tuple(sorted(o.pk for o in data[name])) for name in ("topics", "sources"))
        choices = actions.Choices(data["frequency"], topics, sources)
        if change:
            if form.has_changed():
                actions.do_update_preferences(obj.key, choices, data["paused"], _proof(request), utcnow())
            return
        subscriber_id = actions.do_signup(data["email"], choices, _proof(request), utcnow())
        if subscriber_id is None:  # confirmed in the meantime by a signup of their own
            subscriber_id = Subscriber.objects.get(email__iexact=data["email"]).pk
        else:
            transaction.on_commit(lambda: send_confirmation.enqueue(subscriber_id))
        obj.pk = subscriber_id  # the admin's history and redirect name the stored subscriber
        obj.refresh_from_db()
        obj._state.adding = False

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Subscriber],
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        """The topics and sources were written by the action in save_model; the inlines are read-only."""
        for formset in formsets:
            formset.save(commit=False)  # writes nothing; tells the admin's history what changed

    def delete_model(self, request: HttpRequest, obj: Subscriber) -> None:
        actions.do_delete_subscriber(obj.key)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        for key in queryset.values_list("key", flat=True):
            actions.do_delete_subscriber(key)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """A subscriber's consents and sends go with them (the right to erasure), though neither is ever
        deleted on its own: deleting a subscriber needs no right over those records."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    @admin.action(description="Unsubscribe the selected subscribers")
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        active = (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING)
        keys = list(queryset.filter(status__in=active).values_list("key", flat=True))
        for key in keys:
            actions.do_unsubscribe(key, _proof(request), utcnow())
        self.message_user(request, f"{len(keys)} subscriber(s) unsubscribed.", messages.SUCCESS)


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
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


@admin.register(Send)
class SendAdmin(ReadOnlyAdmin):
    """The record that stops a second send: deleting one could mail a digest twice."""

    list_display = ("id", "run", "subscriber", "state", "attempts", "at")
    list_filter = ("state",)
    search_fields = ("subscriber__email", "message_id")
    list_select_related = ("subscriber", "run")
    readonly_fields = [f.name for f in Send._meta.fields]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("subscriber", "action", "at", "form_version", "source_hash")
    list_filter = ("action", "form_version")
    search_fields = ("subscriber__email",)
    list_select_related = ("subscriber",)
    readonly_fields = [f.name for f in Consent._meta.fields]
