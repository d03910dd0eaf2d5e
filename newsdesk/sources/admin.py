"""The sources in the Django admin: their state, last error, and a clear warning for any source that
looks compromised (its new items are held in the review queue until someone trusts it again).

Sources are added with `newsdesk sources add` or an OPML import, which check that the URL is a feed
and is allowed; the admin edits and watches them. Every write goes through sources/actions.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import actions
from .models import Source


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("held", "Possibly compromised"), ("error", "Failing"), ("ok", "OK"), ("paused", "Paused")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> QuerySet[Source]:
        value = self.value()
        if value == "held":
            return queryset.filter(held_since__isnull=False)
        if value == "error":
            return queryset.exclude(last_error="")
        if value == "ok":
            return queryset.filter(held_since__isnull=True, last_error="", is_active=True)
        if value == "paused":
            return queryset.filter(is_active=False)
        return queryset


FETCHING = (
    "last_fetched", "next_check_at", "interval_seconds", "error_count", "last_error", "etag", "last_modified",
    "created_at",
)  # fmt: skip


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    list_display = ("name", "state", "last_error_short", "spam_count", "articles_link", "last_fetched", "url")
    list_display_links = ("name",)
    list_filter = (StateFilter, "is_active")
    search_fields = ("name", "url", "site_url")
    ordering = ("name",)
    actions = ("trust_again", "hold_for_review")
    fieldsets = (
        (None, {"fields": ("name", "url", "site_url", "language", "is_active")}),
        ("Integrity", {"fields": ("held_since", "held_reason", "spam_count", "last_spam_at")}),
        ("Fetching", {"fields": FETCHING}),
    )
    readonly_fields = (
        "held_since", "held_reason", "spam_count", "last_spam_at", "last_fetched", "next_check_at",
        "interval_seconds", "error_count", "last_error", "etag", "last_modified", "created_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `newsdesk sources add URL` checks the feed first

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        """Writes go through actions.py, like every other write."""
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in actions.EDITABLE}
        if changed:
            actions.do_edit_source(obj.pk, **changed)

    def delete_model(self, request: HttpRequest, obj: Source) -> None:
        actions.do_remove_source(obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source_id in queryset.values_list("pk", flat=True):
            actions.do_remove_source(source_id)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """A source's articles go with it (as with `newsdesk sources remove`), though the admin deletes no
        article on its own: deleting a source needs the right to delete sources (checked by the admin), and
        no right over what goes with it."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        queryset: QuerySet[Source] = (
            super()
            .get_queryset(request)
            .annotate(
                n_published=Count("articles", filter=Q(articles__status="published")),
                n_quarantined=Count("articles", filter=Q(articles__status="quarantined")),
            )
        )
        return queryset

    @admin.display(description="state", ordering="held_since")
    def state(self, source: Source) -> str:
        if source.is_held:
            return mark_safe('<strong style="color:#b91c1c">⚠ Possibly compromised</strong>')
        if source.last_error:
            return format_html('<span style="color:#b45309">Failing ({})</span>', source.error_count)
        if not source.is_active:
            return "Paused"
        return "OK"

    @admin.display(description="last error")
    def last_error_short(self, source: Source) -> str:
        return source.last_error[:120]

    @admin.display(description="articles")
    def articles_link(self, source: Source) -> str:
        base = reverse("admin:articles_article_changelist")
        held = getattr(source, "n_quarantined", 0)
        queue = reverse("admin:articles_quarantinedarticle_changelist")
        return format_html(
            '<a href="{}?source__id__exact={}">{} published</a>{}',
            base,
            source.pk,
            getattr(source, "n_published", 0),
            format_html(', <a href="{}?source__id__exact={}">{} to review</a>', queue, source.pk, held)
            if held
            else "",
        )

    @admin.action(description="Trust again: publish new items as they come, reset the spam count")
    def trust_again(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            actions.do_release_source(source.pk)
        self.message_user(request, f"{queryset.count()} source(s) trusted again.", messages.SUCCESS)

    @admin.action(description="Hold new items for review (possibly compromised)")
    def hold_for_review(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        who = request.user.get_username() if request.user.is_authenticated else "an editor"
        for source in queryset:
            actions.do_hold_source(source.pk, now=timezone.now(), reason=f"Held by {who} from the admin.")
        self.message_user(request, f"New items of {queryset.count()} source(s) will wait for review.")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        held = list(Source.objects.filter(held_since__isnull=False).values_list("name", flat=True)[:10])
        if held:
            messages.warning(
                request,
                f"Possibly compromised, new items held for review: {', '.join(held)}. Check the review "
                "queue, then use “Trust again” once the outlet is clean.",
            )
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        source = Source.objects.filter(pk=object_id).first()
        if source is not None and source.is_held:
            messages.warning(
                request,
                f"This source looks compromised ({source.held_reason}). Its new items are held in the review "
                "queue until you trust it again.",
            )
        return super().change_view(request, object_id, form_url, extra_context)
