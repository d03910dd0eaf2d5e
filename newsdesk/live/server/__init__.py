"""The web server app `newsdesk run` serves with granian (RSGI interface): /live/stream goes to the
pure-async stream, every other request to Django's WSGI app in a thread pool
(docs/decisions/0006-live-news-serving.md has the measurements behind this arrangement)."""

from .app import Application, application

__all__ = ["Application", "application"]
