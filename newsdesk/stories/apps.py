from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"
    verbose_name = "Stories"

    def ready(self) -> None:
        from newsdesk.articles.signals import article_stored

        from .receivers import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.stories.assign")
