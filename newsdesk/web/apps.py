from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job


class WebConfig(AppConfig):
    name = "newsdesk.web"
    label = "web"

    def ready(self) -> None:
        from newsdesk.articles.signals import article_stored
        from newsdesk.sources.signals import source_shown_changed

        from . import article_page
        from .tasks import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.web.fetch_image")
        # After the topics' receiver (connected first, by the topics app): the page shows the topics.
        article_stored.connect(article_page.on_article_stored, dispatch_uid="newsdesk.web.article_page")
        source_shown_changed.connect(
            article_page.on_source_shown_changed, dispatch_uid="newsdesk.web.article_page.source"
        )

    def scheduled_jobs(self, tick_seconds: float) -> list[Job]:
        """Retention (newsdesk/web/retention.py) for `newsdesk run`'s scheduler."""
        from .retention import jobs

        return jobs()
