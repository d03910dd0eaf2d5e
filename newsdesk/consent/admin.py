"""Admin: operators manage snippets; the consent log is read-only and exports as CSV (proof of consent)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from .actions import pseudonym
from .models import ConsentRecord, PolicySnapshot, Snippet, StorageItem
from .state import decode


class StorageItemInline(admin.TabularInline):
    model = StorageItem
    extra = 1


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "provider", "enabled")
    list_filter = ("category", "enabled")
    inlines = [StorageItemInline]


class ReadOnlyAdmin(admin.ModelAdmin):
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
