"""Fill the HTML templates in templates/, escaping every value that is not marked as HTML.

string.Template keeps us on the stdlib (the demo imports no Django). Escaping by default,
with `Html` as the one way to opt out, means a headline can never break a page.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).parent / "templates"


class Html(str):
    """Markup we built ourselves and trust; inserted as it is."""

    __slots__ = ()


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def join(parts: list[Html] | list[str]) -> Html:
    return Html("\n".join(p.rstrip("\n") for p in parts))


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def render(template: str, /, **values: object) -> Html:
    """Render templates/<template>; plain strings are escaped, `Html` values are not."""
    safe = {k: v if isinstance(v, Html) else esc(str(v)) for k, v in values.items()}
    return Html(_template(template).substitute(safe))
