"""What one source's check came to: the pipeline's report, read by batches and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceReport:
    """What one source's check came to."""

    source_id: int
    name: str
    ok: bool = True
    error: str = ""
    not_modified: bool = False
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    failed_entries: int = 0
    article_ids: list[int] = field(default_factory=list)
    # The source's lease was given back with the check's record (a 304 under a lease).
    released: bool = False
