"""The extract stage: an article page in, its fields out (see article.py). No Django here."""

from newsdesk.ingest.extract.article import extract_article

__all__ = ["extract_article"]
