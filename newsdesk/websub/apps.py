from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job


class WebSubConfig(AppConfig):
    name = "newsdesk.websub"
    label = "websub"
    verbose_name = "WebSub"

    def ready(self) -> None:
        from newsdesk.ingest.signals import feed_checked, feeds_not_modified
        from newsdesk.sources.signals import source_removed

        from .receivers import on_feed_checked, on_feeds_not_modified, on_source_removed

        feed_checked.connect(on_feed_checked, dispatch_uid="newsdesk.websub.discover")
        feeds_not_modified.connect(on_feeds_not_modified, dispatch_uid="newsdesk.websub.not_modified")
        source_removed.connect(on_source_removed, dispatch_uid="newsdesk.websub.unsubscribe")

    def scheduled_jobs(self, tick_seconds: float) -> list[Job]:
        """Renewals, retries and time-outs, for `newsdesk run`'s scheduler (newsdesk.ingest.scheduler)."""
        from .jobs import jobs

        return jobs(tick_seconds)
