from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "newsdesk.live"
    label = "live"

    def ready(self) -> None:
        # Connected after the topics app's receiver (INSTALLED_APPS order), so events carry topics.
        from newsdesk.articles.signals import article_stored

        from .receivers import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.live.publish")
