"""`{% newsletter_signup_box %}`: the box, drawn from the page's context (see boxes.py)."""

from __future__ import annotations

from typing import Any

from django import template

from ..boxes import box_context

register = template.Library()


@register.inclusion_tag("newsletter/_box.html", takes_context=True)
def newsletter_signup_box(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    page = {key: context.get(key) for key in ("newsletter_topics", "newsletter_sources", "article")}
    return {"box": box_context(request, page=page), "request": request}
