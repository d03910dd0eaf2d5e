from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "newsdesk.web"
    label = "web"

    def ready(self) -> None:
        from newsdesk.articles.signals import article_stored

        from .tasks import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.web.fetch_image")
