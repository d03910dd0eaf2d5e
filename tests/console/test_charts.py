"""Chart geometry: pure numbers in, coordinates out."""

from __future__ import annotations

import itertools

import pytest

from newsdesk.console import charts
from newsdesk.console.queries import one_sentence
from newsdesk.console.source_table import median_from_histogram


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1.0), (0.3, 0.5), (1, 1.0), (1.01, 2.0), (2.2, 2.5), (7, 10.0), (42, 50.0), (1234, 2000.0)],
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == expected


def test_points_spread_across_the_width_and_rise_with_the_value() -> None:
    coords = charts.points([0, 5, 10], width=100, height=50, top=10)
    assert coords == [(0.0, 50.0), (50.0, 25.0), (100.0, 0.0)]
    # Above the top is drawn at the top, below zero at the bottom.
    assert charts.points([20, -3], width=10, height=10, top=10) == [(0.0, 0.0), (10.0, 10.0)]
    assert charts.points([4], width=10, height=10, top=8) == [(5.0, 5.0)]
    assert charts.points([], width=10, height=10, top=1) == []


def test_sparkline_has_one_point_per_day_on_its_own_scale() -> None:
    spark = charts.sparkline([0, 2, 4] + [1] * 27, [0] * 29 + [3], width=120, height=24)
    a = [tuple(map(float, p.split(","))) for p in spark.articles.split()]
    f = [tuple(map(float, p.split(","))) for p in spark.failures.split()]
    assert len(a) == len(f) == 30
    assert a[0] == (1.0, 23.0)  # zero sits on the bottom, inside a 1-pixel margin
    assert a[2] == (a[2][0], 1.0)  # the peak (4) at the top
    assert f[-1] == (119.0, 1.0)  # failures peak on their own scale
    assert a[-1][0] == 119.0
    assert all(x2 > x1 for (x1, _), (x2, _) in itertools.pairwise(a))
    assert spark.articles_peak == 4
    assert spark.failures_total == 3
    assert "30 days" in spark.label


def test_line_chart_lays_out_every_series_ticks_and_labels() -> None:
    values = [float(i % 5) for i in range(24)]
    chart = charts.line_chart(
        "Fetches", "per minute",
        [charts.Series("new", "s-new", values), charts.Series("error", "s-bad", [0.5] * 24)],
        [f"{h:02d}:00" for h in range(24)], width=480, height=180, every=6,
    )  # fmt: skip
    assert chart.top_value == 5.0
    for series in chart.series:
        coords = [tuple(map(float, p.split(","))) for p in series.points.split()]
        assert len(coords) == 24
        assert coords[0][0] == chart.left
        assert coords[-1][0] == chart.left + chart.plot_width
        assert all(8 <= y <= 8 + chart.plot_height for _, y in coords)
    top_of_new = min(float(p.split(",")[1]) for p in chart.series[0].points.split())
    assert top_of_new == pytest.approx(8 + chart.plot_height * (1 - 4 / 5))  # the peak, 4, on a scale to 5
    assert [t.label for t in chart.ticks] == ["0", "1.25", "2.5", "3.75", "5"]
    # The latest bucket is always labelled, then every sixth back from it.
    assert [x.label for x in chart.xlabels] == ["05:00", "11:00", "17:00", "23:00"]
    assert [x.anchor for x in chart.xlabels] == ["middle", "middle", "middle", "end"]
    assert chart.series[0].last == "3"
    assert "new peak 4" in chart.summary


def test_median_from_histogram_interpolates_within_its_bucket() -> None:
    assert median_from_histogram([0] * 8) is None
    assert median_from_histogram([2, 0, 0, 0, 0, 0, 0, 0]) == 50.0  # half of the 0–100 ms bucket
    assert median_from_histogram([0, 4, 0, 0, 0, 0, 0, 0]) == 175.0  # 100–250, half way
    assert median_from_histogram([1, 0, 0, 3, 0, 0, 0, 0]) == pytest.approx(500 + 500 / 3)
    assert median_from_histogram([0, 0, 0, 0, 0, 0, 0, 5]) == 10000.0  # the open bucket: its floor


def test_one_sentence() -> None:
    assert one_sentence("The server answered 503.  Retry later. More") == "The server answered 503."
    assert one_sentence("x" * 300, limit=20) == "x" * 19 + "…"
    assert one_sentence("") == ""
