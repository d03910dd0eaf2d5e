"""The operator console: what needs a person first, then every source's figures, then the site's charts.
Staff only; server-rendered; the charts are SVG drawn here (charts.py), no script at all."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from newsdesk.core.clock import utcnow

from . import queries, site_charts, source_table
from .charts import chart_svg

COLUMNS = [
    ("name", "Source"), ("state", "State"), ("last_fetch", "Last fetch"), ("next_check", "Next check"),
    ("success", "Success, 7 d"), ("median", "Median fetch"), ("share_304", "304s"),
    ("articles", "Articles a day"), ("websub", "WebSub"),
]  # fmt: skip


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@never_cache
@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = utcnow()
    sort = request.GET.get("sort", source_table.DEFAULT_SORT)
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    window = request.GET.get("window", "24h")
    if window not in site_charts.WINDOWS:
        window = "24h"
    table = source_table.sources_table(
        now, sort=sort, descending=descending, page=_int(request.GET.get("page"), 1)
    )
    headers = []
    for key, title in COLUMNS:
        current = key == table.sort
        next_sort = f"-{key}" if current and not table.descending else key
        aria = ("descending" if table.descending else "ascending") if current else ""
        headers.append({"key": key, "title": title, "sort": next_sort, "aria": aria})
    charts = site_charts.site_charts(window, queue_depth_now=site_charts.queue_depth_now())
    for chart in charts:
        chart.svg = chart_svg(chart)
    context = {
        # The admin's context for its header, without the list of every app and model (which
        # each_context() builds and only the sidebar this page leaves out would use).
        "site_title": admin.site.site_title,
        "site_header": admin.site.site_header,
        "site_url": admin.site.site_url,
        "has_permission": True,
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "title": "Operator console",
        "now": now,
        "attention": queries.attention(now),
        "table": table,
        "headers": headers,
        "sort_param": ("-" if table.descending else "") + table.sort,
        "window": window,
        "windows": [("24h", "Last 24 hours"), ("30d", "Last 30 days")],
        "charts": charts,
    }
    return TemplateResponse(request, "console/dashboard.html", context)
