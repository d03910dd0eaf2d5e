"""Writes of the consent app, one transaction each: recording a reader's choice in the consent log, and
the operator's snippets (the admin calls these; nothing else writes them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction

from newsdesk.core.privacy import Pseudonym

from .current import enabled_snippets, registry_of, snippet_cache
from .models import ConsentRecord, PolicySnapshot, Snippet, StorageItem
from .registry import Category, Registry
from .state import Choice

# A keyed hash of the cookie's random id: only with our key can the log be matched to a cookie.
pseudonym = Pseudonym("newsdesk.consent.subject")


def _snapshot(registry: Registry) -> PolicySnapshot:
    version = registry.version
    try:
        with transaction.atomic():
            snapshot, _ = PolicySnapshot.objects.get_or_create(
                version=version, defaults={"items": registry.snapshot()}
            )
    except IntegrityError:  # another process recorded the same version first
        snapshot = PolicySnapshot.objects.get(version=version)
    return snapshot


@transaction.atomic
def do_record_consent(
    registry: Registry, choice: Choice, action: ConsentRecord.Action, gpc: bool
) -> ConsentRecord:
    """Keep the proof of one choice: when, under which policy (and what it listed), what, and by whom."""
    return ConsentRecord.objects.create(
        created=choice.at,
        policy=_snapshot(registry),
        subject=pseudonym(choice.subject),
        action=action,
        preferences=Category.PREFERENCES in choice.granted,
        analytics=Category.ANALYTICS in choice.granted,
        marketing=Category.MARKETING in choice.granted,
        gpc=gpc,
    )


# ---- snippets -------------------------------------------------------------------------------------

SNIPPET_FIELDS = ("name", "category", "html", "provider", "purpose", "csp_sources", "enabled")
STORAGE_FIELDS = ("name", "kind", "purpose", "duration")


def do_save_snippet(
    snippet_id: int | None,
    fields: Mapping[str, object],
    storage: Iterable[Mapping[str, object]] | None = None,
) -> Snippet:
    """Add a snippet (no id) or change one; with `storage`, the cookies and storage it declares become
    those rows (the ones it had are replaced).

    Raises ValidationError for what the model refuses (e.g. a bad origin list), before anything is kept.
    What readers are asked about, and so the policy version, may change with it: see `_policy_changed`.
    """
    unknown = set(fields) - set(SNIPPET_FIELDS)
    if unknown:
        raise ValueError(f"Not a snippet field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        snippet = Snippet() if snippet_id is None else Snippet.objects.select_for_update().get(pk=snippet_id)
        for name, value in fields.items():
            setattr(snippet, name, value)
        snippet.full_clean()
        snippet.save()
        if storage is not None:
            items = [
                StorageItem(snippet=snippet, **{n: row[n] for n in STORAGE_FIELDS if n in row})
                for row in storage
            ]
            for item in items:
                item.full_clean()
            snippet.storage.all().delete()
            StorageItem.objects.bulk_create(items)
        _policy_changed()
    return snippet


def do_delete_snippets(snippet_ids: Iterable[int]) -> int:
    """Delete snippets and the storage they declare. Returns how many snippets went."""
    with transaction.atomic():
        _deleted, by_model = Snippet.objects.filter(pk__in=list(snippet_ids)).delete()
        _policy_changed()
    return by_model.get(Snippet._meta.label, 0)


def _policy_changed() -> None:
    """In the transaction that changed the snippets: record the policy they now make (a new version when
    what readers are asked about changed, so that nobody's earlier choice covers it), and have this
    process read the snippets again as the change commits, so its next page asks under that version.
    Other processes read them again within current.SNIPPET_TTL seconds."""
    _snapshot(registry_of(enabled_snippets()))
    transaction.on_commit(snippet_cache.forget)
