"""Django's `mark_safe` and `escape` for text known to be a plain `str`, without their lazy-text check.

Both are wrapped by Django's `keep_lazy`, which looks at every argument for a lazy translation on every call
(about a microsecond each; an article page made twenty such calls). The pages' helpers (time tags, kept cards
and parts, the newsletter box, the consent parts) pass finished strings, so they use these. The output is the
same: `escape` is what Django's does (`html.escape` of the text), `safe` what `mark_safe` gives a `str`.
"""

from __future__ import annotations

import html

from django.utils.safestring import SafeString


def safe(text: str) -> SafeString:
    """`mark_safe(text)` for a `str` whose every part was escaped (or is trusted HTML)."""
    return SafeString(text)


def escape(text: object) -> str:
    """`django.utils.html.escape(text)`: the same characters, as a plain `str` (escape it only once)."""
    return html.escape(str(text))
