from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "newsdesk.core"
    label = "core"

    def ready(self) -> None:
        from .metrics import connect_task_signals

        connect_task_signals()
