"""SVG chart geometry, drawn on the server: no script, nothing from another origin.

Pure: numbers in, coordinates and labels out; the templates write the SVG elements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value` (1 for nothing)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power * (1 + 1e-9):
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop ends at 10


def points(
    values: Sequence[float], *, width: float, height: float, top: float, pad: float = 0.0
) -> list[tuple[float, float]]:
    """One (x, y) per value: x spread evenly across `width` (inset by `pad`), y from `height` (0) up to
    0 (`top`); values above `top` are drawn at the top."""
    n = len(values)
    if n == 0:
        return []
    span = width - 2 * pad
    step = span / (n - 1) if n > 1 else 0.0
    out = []
    for i, value in enumerate(values):
        x = pad + (step * i if n > 1 else span / 2)
        share = min(max(value, 0.0) / top, 1.0) if top > 0 else 0.0
        out.append((round(x, 1), round(height - share * height, 1)))
    return out


def polyline(coords: Sequence[tuple[float, float]]) -> str:
    """The `points` attribute of an SVG polyline."""
    return " ".join(f"{x:g},{y:g}" for x, y in coords)


def short_number(value: float) -> str:
    """An axis label: 0, 0.25, 3, 12, 1.5k, 2M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 1000:
        return f"{value / 1000:.3g}k"
    if value == int(value):
        return str(int(value))
    return f"{value:.3g}"


@dataclass
class Sparkline:
    """A row's small chart: articles per day and failures per day, on one scale each."""

    width: int
    height: int
    articles: str
    failures: str
    articles_peak: int
    failures_total: int
    label: str


def sparkline(
    articles: Sequence[int], failures: Sequence[int], *, width: int = 120, height: int = 24
) -> Sparkline:
    inner = height - 2  # a pixel of room so a line at the top or bottom is not cut in half
    top_a = float(max(max(articles, default=0), 1))
    top_f = float(max(max(failures, default=0), 1))
    a = [(x, y + 1) for x, y in points(articles, width=width, height=inner, top=top_a, pad=1)]
    f = [(x, y + 1) for x, y in points(failures, width=width, height=inner, top=top_f, pad=1)]
    days = len(articles)
    label = (
        f"Last {days} days: up to {max(articles, default=0)} articles a day, "
        f"{sum(failures)} failed checks in all"
    )
    return Sparkline(width, height, polyline(a), polyline(f), max(articles, default=0), sum(failures), label)


@dataclass
class Series:
    name: str
    css: str  # a class of console.css that colours the line and its key
    values: list[float]
    points: str = ""
    last: str = ""


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class XLabel:
    x: float
    label: str
    anchor: str = "middle"  # the latest bucket's label ends at the right edge, so it is never cut


@dataclass
class LineChart:
    """A chart of one or more lines over the same buckets, with a y axis from 0 and a few x labels."""

    title: str
    unit: str
    width: int
    height: int
    left: int  # room for the y labels
    bottom: int  # room for the x labels
    top_value: float
    series: list[Series]
    ticks: list[Tick] = field(default_factory=list)
    xlabels: list[XLabel] = field(default_factory=list)
    summary: str = ""
    svg: str = ""  # the markup, from chart_svg()

    @property
    def plot_width(self) -> int:
        return self.width - self.left - 8

    @property
    def plot_height(self) -> int:
        return self.height - self.bottom - 8


def line_chart(
    title: str,
    unit: str,
    series: list[Series],
    bucket_labels: Sequence[str],
    *,
    width: int = 480,
    height: int = 180,
    every: int = 6,
) -> LineChart:
    """Lay out the lines: a nice top value, 4 ticks, every `every`-th bucket labelled on the x axis."""
    chart = LineChart(title, unit, width, height, left=50, bottom=22, top_value=1.0, series=series)
    peak = max((v for s in series for v in s.values), default=0.0)
    chart.top_value = nice_ceiling(peak)
    plot_w, plot_h = chart.plot_width, chart.plot_height
    for s in series:
        coords = points(s.values, width=plot_w, height=plot_h, top=chart.top_value)
        s.points = polyline([(x + chart.left, y + 8) for x, y in coords])
        s.last = short_number(round(s.values[-1], 2)) if s.values else "0"
    for i in range(5):
        value = chart.top_value * i / 4
        chart.ticks.append(Tick(round(8 + plot_h - plot_h * i / 4, 1), short_number(value)))
    n = len(bucket_labels)
    for i, label in enumerate(bucket_labels):
        if (n - 1 - i) % every == 0:  # counted back from the latest bucket, which is always labelled
            x = chart.left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
            chart.xlabels.append(XLabel(round(x, 1), label, "end" if i == n - 1 else "middle"))
    parts = [f"{s.name} peak {short_number(round(max(s.values, default=0), 2))}" for s in series]
    chart.summary = f"{title} ({unit}): " + "; ".join(parts) + "."
    return chart


# ---- SVG markup ------------------------------------------------------------------------------------
# Written here rather than in the template: a page has 50 sparklines and a dozen charts, and building
# the markup in Python costs a fraction of the template engine's per-node work (bench/console). Every
# text that is not our own number goes through escape().


def sparkline_svg(spark: Sparkline) -> str:
    return (
        f'<svg class="spark" width="{spark.width}" height="{spark.height}" '
        f'viewBox="0 0 {spark.width} {spark.height}" role="img" aria-label="{escape(spark.label)}">'
        f'<polyline class="sp-articles" points="{spark.articles}"/>'
        f'<polyline class="sp-failures" points="{spark.failures}"/></svg>'
    )


def chart_svg(chart: LineChart) -> str:
    right = chart.width - 8
    parts = [
        f'<svg viewBox="0 0 {chart.width} {chart.height}" role="img" aria-label="{escape(chart.summary)}">'
    ]
    for t in chart.ticks:
        parts.append(
            f'<line class="grid" x1="{chart.left}" x2="{right}" y1="{t.y:g}" y2="{t.y:g}"/>'
            f'<text class="ylabel" x="{chart.left - 6}" y="{t.y:g}">{escape(t.label)}</text>'
        )
    for x in chart.xlabels:
        parts.append(
            f'<text class="xlabel" text-anchor="{x.anchor}" x="{x.x:g}" y="{chart.height - 4}">'
            f"{escape(x.label)}</text>"
        )
    for s in chart.series:
        parts.append(f'<polyline class="line {escape(s.css)}" points="{s.points}"/>')
    parts.append("</svg>")
    return "".join(parts)
