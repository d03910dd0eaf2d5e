"""Read-side lookups about subscriptions. No writes."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Subscription


def states(source_ids: Iterable[int]) -> dict[int, str]:
    """source id -> "pending", "active" or "failed", for the sources that have a subscription."""
    rows = Subscription.objects.filter(source_id__in=list(source_ids), removed=False)
    return dict(rows.values_list("source_id", "state"))
