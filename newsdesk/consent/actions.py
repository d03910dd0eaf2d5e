"""Writes of the consent app: recording a reader's choice in the consent log, in one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from newsdesk.core.privacy import Pseudonym

from .models import ConsentRecord, PolicySnapshot
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
