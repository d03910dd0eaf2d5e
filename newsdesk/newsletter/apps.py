from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsdesk.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check

    def scheduled_jobs(self, tick_seconds: float) -> list:
        """Periodic work for `newsdesk run`'s scheduler (see newsdesk.ingest.scheduler.default_jobs)."""
        from .jobs import jobs

        return jobs(tick_seconds)
