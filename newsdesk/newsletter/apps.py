from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job


class NewsletterConfig(AppConfig):
    name = "newsdesk.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check

    def scheduled_jobs(self, tick_seconds: float) -> list[Job]:
        """Periodic work for `newsdesk run`'s scheduler (see newsdesk.ingest.scheduler.default_jobs)."""
        from .jobs import jobs

        return jobs(tick_seconds)
