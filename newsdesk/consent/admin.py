"""Admin: operators manage snippets; the consent log is read-only and exports as CSV (proof of consent).

Snippets are written through actions.py, like every other write: the snippet and the storage it declares
in one transaction, which also records the policy they make and has the pages ask readers again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from . import actions
from .actions import pseudonym
from .models import ConsentRecord, PolicySnapshot, Snippet, StorageItem
from .state import decode


class StorageItemInline(admin.TabularInline):  # type: ignore[type-arg]  # not subscriptable at run time
    model = StorageItem
    extra = 1


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    list_display = ("name", "category", "provider", "enabled")
    list_filter = ("category", "enabled")
    inlines = [StorageItemInline]

    def save_model(self, request: HttpRequest, obj: Snippet, form: Any, change: bool) -> None:
        """Nothing yet: save_related writes the snippet and its storage rows together, in one action."""

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Snippet],
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        storage: list[dict[str, Any]] = []
        for formset in formsets:
            formset.save(commit=False)  # writes nothing; tells the admin's history what changed
            storage += [
                f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
        fields = {
            name: form.cleaned_data[name] for name in actions.SNIPPET_FIELDS if name in form.cleaned_data
        }
        snippet = actions.do_save_snippet(form.instance.pk, fields, storage)
        form.instance.pk = snippet.pk  # the admin's history and redirect need the new snippet's id
        form.instance._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Snippet) -> None:
        actions.do_delete_snippets([obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Snippet]) -> None:
        actions.do_delete_snippets(list(queryset.values_list("pk", flat=True)))


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """Proof is not edited: no adding, changing or deleting through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


CSV_COLUMNS = ("time", "policy_version", "subject", "action", "preferences", "analytics", "marketing", "gpc")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(records: QuerySet[ConsentRecord]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for r in records.select_related("policy").order_by("created", "id").iterator(chunk_size=2000):
        yield writer.writerow(
            (
                r.created.isoformat(),
                r.policy.version,
                r.subject,
                r.action,
                int(r.preferences),
                int(r.analytics),
                int(r.marketing),
                int(r.gpc),
            )
        )


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("created", "policy", "action", "preferences", "analytics", "marketing", "gpc", "subject")
    list_filter = ("action", "gpc", "analytics", "marketing", "preferences", "policy")
    search_fields = ("=subject",)
    search_help_text = "Paste a reader's consent cookie (or the id in it) to find their records."
    date_hierarchy = "created"
    actions = ["export_csv"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ConsentRecord], search_term: str
    ) -> tuple[QuerySet[ConsentRecord], bool]:
        """A reader asking "what did I agree to?" has their cookie, not our hash: hash it for them."""
        term = search_term.strip()
        if term:
            choice = decode(term)
            subject = choice.subject if choice else term
            return queryset.filter(subject__in={pseudonym(subject), term}), False
        return queryset, False

    @admin.action(description="Export selected records as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[ConsentRecord]) -> StreamingHttpResponse:
        response = StreamingHttpResponse(csv_rows(queryset), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="consent-log-{stamp}.csv"'
        return response


@admin.register(PolicySnapshot)
class PolicySnapshotAdmin(ReadOnlyAdmin):
    list_display = ("version", "created")
    readonly_fields = ("version", "items", "created")
