"""A tiny helper for reading rendered HTML in tests."""

from __future__ import annotations

import re


def found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """re.search that fails the test, saying what was missing, instead of returning None."""
    match = re.search(pattern, text, flags)
    assert match, f"not found: {pattern}"
    return match
