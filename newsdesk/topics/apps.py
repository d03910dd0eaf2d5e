from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "newsdesk.topics"
    label = "topics"

    def ready(self) -> None:
        from newsdesk.articles.signals import article_stored

        from .receivers import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.topics.assign")
