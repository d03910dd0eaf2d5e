"""Import trafilatura the way the extract stage needs it. Imported before any trafilatura module.

1. trafilatura imports jusText, and jusText imports `lxml.html.clean.Cleaner` at module level. Since
   lxml 5.2 that module lives in the separate `lxml_html_clean` package, which jusText 3.0.2 does not
   declare, so a plain install of trafilatura cannot be imported. trafilatura only uses jusText's
   paragraph classifier, never its `Cleaner`, so when the real module is absent we register a
   stand-in whose `Cleaner` refuses to run. The proper fix is the `lxml_html_clean` dependency in
   pyproject.toml; with it installed, this step does nothing.
2. trafilatura imports py3langid (and so numpy) at import time, for one feature we never use
   (dropping pages not in a `target_language`). That is a quarter of the CLI's start-up, so we hide
   py3langid while trafilatura is imported; language.py imports it later, only when it must guess.

See docs/decisions/ (extraction stack).
"""

from __future__ import annotations

import sys
import types
from typing import Any

CLEAN_MODULE = "lxml.html.clean"


class _UnavailableCleaner:
    """Stands in for lxml.html.clean.Cleaner; trafilatura's code paths never construct one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("lxml.html.clean is not installed (pip install lxml_html_clean).")


def ensure_lxml_html_clean() -> bool:
    """Make `import lxml.html.clean` succeed. Returns True when the stand-in was needed."""
    try:
        import lxml.html.clean  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType(CLEAN_MODULE)
        stand_in.Cleaner = _UnavailableCleaner  # type: ignore[attr-defined]
        sys.modules[CLEAN_MODULE] = stand_in
        return True
    return False


def import_trafilatura_without_langid() -> None:
    """Import trafilatura with py3langid hidden, unless something already imported either."""
    if "trafilatura" in sys.modules or "py3langid" in sys.modules:
        return
    sys.modules["py3langid"] = None  # type: ignore[assignment]  # makes `import py3langid` fail
    try:
        import trafilatura  # noqa: F401
    finally:
        del sys.modules["py3langid"]


ensure_lxml_html_clean()
import_trafilatura_without_langid()
