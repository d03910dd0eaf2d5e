"""Import trafilatura the way the extract stage needs it. The package imports this module first.

trafilatura imports py3langid (and so numpy) at import time, for one feature we never use: dropping
pages that are not in a `target_language`. That is about a quarter of the `newsdesk` CLI's start-up,
so we hide py3langid while trafilatura is imported; language.py imports it later, and only when it
must guess a language. trafilatura then checks languages by <html lang> alone, in the one code path
we do not call. See docs/decisions/0005-extraction.md.
"""

from __future__ import annotations

import sys


def import_trafilatura_without_langid() -> None:
    """Import trafilatura with py3langid hidden, unless something already imported either."""
    if "trafilatura" in sys.modules or "py3langid" in sys.modules:
        return
    sys.modules["py3langid"] = None  # type: ignore[assignment]  # makes `import py3langid` fail
    try:
        import trafilatura  # noqa: F401
    finally:
        del sys.modules["py3langid"]


import_trafilatura_without_langid()
