from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_index(sender: object, using: str = "default", **kwargs: object) -> None:
    """After any migration, put back index triggers a table rebuild may have dropped.

    SQLite's way of altering a column (Django copies the table and drops the old one) drops the
    triggers that keep the FTS index current; this notices and repairs it, rebuilding the index.
    """
    from django.db import connections

    from .backends import backend_for_vendor

    connection = connections[using]
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    from django.db.migrations.recorder import MigrationRecorder

    if not MigrationRecorder(connection).migration_qs.filter(app="search", name="0001_search_index").exists():
        return  # migrated backwards, or not yet: nothing to repair
    if backend_for_vendor(connection.vendor).ensure_schema(connection):
        import logging

        logging.getLogger("newsdesk.search").warning("The search index's triggers were missing; rebuilt it.")


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"

    def ready(self) -> None:
        post_migrate.connect(_repair_index, sender=self, dispatch_uid="newsdesk.search.repair")
        from newsdesk.articles.signals import article_stored

        from .receivers import on_article_stored

        article_stored.connect(on_article_stored, dispatch_uid="newsdesk.search.page_cache_stamp")
