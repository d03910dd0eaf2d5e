"""`{% live_cursor %}`: the event log's position when a page was rendered.

The Live News column carries it (data-live-cursor), so its stream starts from the page's moment:
a story stored between rendering (or caching) the page and opening the stream still arrives.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def live_cursor() -> int:
    from newsdesk.live.queries import latest_event_id

    return latest_event_id()
