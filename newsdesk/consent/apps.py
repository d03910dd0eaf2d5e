from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "newsdesk.consent"
    label = "consent"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
