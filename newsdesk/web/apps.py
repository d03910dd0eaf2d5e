from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job


class WebConfig(AppConfig):
    name = "newsdesk.web"
    label = "web"

    def scheduled_jobs(self, tick_seconds: float) -> list[Job]:
        """Retention (newsdesk/web/retention.py) for `newsdesk run`'s scheduler."""
        from .retention import jobs

        return jobs()
