"""The extract stage: an article page in, its fields out (see article.py). No Django here.

`_compat` is imported first, before any module of ours imports trafilatura (see its docstring).
"""

from newsdesk.ingest.stages.extract import _compat  # noqa: F401  (must precede every trafilatura import)
from newsdesk.ingest.stages.extract.article import extract_article

__all__ = ["extract_article"]
