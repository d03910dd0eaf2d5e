"""Read-side lookups about sources that the pipeline needs. No writes."""

from __future__ import annotations

from urllib.parse import urlsplit

from newsdesk.markup.language import primary_tag
from newsdesk.types import SourceState

from .models import Source


def integrity_state(source_id: int) -> SourceState:
    """What the spam review needs to know about a source, read fresh (it may be held mid-check)."""
    row = (
        Source.objects.filter(pk=source_id)
        .values("language", "site_url", "url", "held_since", "held_reason")
        .first()
    )
    if row is None:
        return SourceState()
    return SourceState(
        language=primary_tag(row["language"]) or "",
        site_host=urlsplit(row["site_url"] or row["url"]).hostname or "",
        held=row["held_since"] is not None,
        held_reason=row["held_reason"],
    )
