from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "newsdesk.core"
    label = "core"

    def ready(self) -> None:
        from . import pgtime, tasktallies
        from .metrics import connect_task_signals

        connect_task_signals()
        tasktallies.connect()
        pgtime.connect()
