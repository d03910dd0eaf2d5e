"""The console's charts of the whole site over the last 24 hours or 30 days, and the all-time counts per
label, read from the counters per hour and day (`core.Tally`, docs/decisions/0022-aggregate-tables.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Sum

from newsdesk.core import tallies
from newsdesk.core.clock import Clock, utcnow

from . import charts

WINDOWS = {
    "24h": (tallies.HOUR, 24, 60.0, 6, "%H:%M"),  # period, buckets, minutes per bucket, label every, format
    "30d": (tallies.DAY, 30, 1440.0, 7, "%d %b"),
}

FETCH_CLASSES = {"new": "s-new", "not_modified": "s-304"}
MAIL_CLASSES = {"sent": "s-new", "deferred": "s-304", "failed": "s-warn", "bounced": "s-bad"}


def site_charts(window: str, *, clock: Clock = utcnow, queue_depth_now: int = 0) -> list[charts.LineChart]:
    period, buckets, minutes, every, fmt = WINDOWS[window]
    span = "last 24 hours" if window == "24h" else "last 30 days"

    everything = tallies.series_many(
        ("fetch", "articles", "task.enqueued", "task.started", "live", "pages", "mail"),
        period,
        buckets=buckets,
        clock=clock,
    )
    last = tallies.bucket_start(clock(), period)
    step = tallies.STEP[period]

    def read(metric: str, labels: Sequence[str] | None = None) -> dict[str, list[tallies.Point]]:
        found = everything[metric]
        for label in labels or ():
            found.setdefault(label, [tallies.Point(last - step * (buckets - 1 - i)) for i in range(buckets)])
        return found

    fetch = read("fetch")
    starts = [last - step * (buckets - 1 - i) for i in range(buckets)]
    labels = [s.strftime(fmt) for s in starts]
    out = []

    def counts(points: list[tallies.Point], per: float = 1.0) -> list[float]:
        return [p.count / per for p in points]

    series = []
    for label in ("new", "not_modified"):
        values = counts(fetch.pop(label, []), minutes) or [0.0] * buckets
        series.append(charts.Series(label.replace("_", " "), FETCH_CLASSES[label], values))
    for i, (label, points) in enumerate(sorted(fetch.items())):
        css = ("s-bad", "s-warn", "s-other", "s-alt")[i % 4]
        series.append(charts.Series(label.replace("error:", "error: "), css, counts(points, minutes)))
    out.append(charts.line_chart(f"Fetches per minute, {span}", "per minute", series, labels, every=every))

    stored = read("articles", ["published", "quarantined"])
    out.append(
        charts.line_chart(
            f"Articles stored, {span}",
            "articles",
            [
                charts.Series("published", "s-new", counts(stored["published"])),
                charts.Series("quarantined", "s-bad", counts(stored["quarantined"])),
            ],
            labels,
            every=every,
        )
    )

    enq = read("task.enqueued")
    started = read("task.started")
    enq_n = [sum(p[i].count for p in enq.values()) for i in range(buckets)]
    start_n = [sum(p[i].count for p in started.values()) for i in range(buckets)]
    wait_s = [sum(p[i].total for p in started.values()) for i in range(buckets)]
    # Depth at the end of each bucket, walked back from the depth now: each later bucket added what was
    # enqueued in it and took away what started in it.
    depth = [0.0] * buckets
    level = float(queue_depth_now)
    for i in range(buckets - 1, -1, -1):
        depth[i] = max(level, 0.0)
        level -= enq_n[i] - start_n[i]
    out.append(
        charts.line_chart(
            f"Queue depth, {span}",
            "tasks waiting",
            [charts.Series("waiting", "s-304", depth)],
            labels,
            every=every,
        )
    )
    latency = [w / n if n else 0.0 for w, n in zip(wait_s, start_n, strict=True)]
    out.append(
        charts.line_chart(
            f"Task latency, {span}",
            "seconds from queued to started, mean",
            [charts.Series("latency", "s-warn", latency)],
            labels,
            every=every,
        )
    )

    live = read("live", ["opened", "reader_seconds"])
    readers = [p.total / (minutes * 60) for p in live["reader_seconds"]]
    out.append(
        charts.line_chart(
            f"Live News readers, {span}",
            "readers on average; streams opened",
            [
                charts.Series("readers", "s-new", readers),
                charts.Series("streams opened", "s-304", counts(live["opened"])),
            ],
            labels,
            every=every,
        )
    )

    pages = read("pages", ["HIT", "STALE", "MISS", "PASS"])
    total = [sum(pages[k][i].count for k in pages) for i in range(buckets)]
    hits = [pages["HIT"][i].count + pages["STALE"][i].count for i in range(buckets)]
    out.append(
        charts.line_chart(
            f"Page requests, {span}",
            "requests",
            [
                charts.Series("all", "s-304", [float(t) for t in total]),
                charts.Series("from the cache", "s-new", [float(h) for h in hits]),
            ],
            labels,
            every=every,
        )
    )
    ratio = [100.0 * h / t if t else 0.0 for h, t in zip(hits, total, strict=True)]
    out.append(
        charts.line_chart(
            f"Page cache hit ratio, {span}",
            "per cent",
            [charts.Series("hit ratio", "s-new", ratio)],
            labels,
            every=every,
        )
    )

    mail = read("mail", list(MAIL_CLASSES))
    out.append(
        charts.line_chart(
            f"Newsletter sends, {span}",
            "messages",
            [charts.Series(k, css, counts(mail[k])) for k, css in MAIL_CLASSES.items()],
            labels,
            every=every,
        )
    )
    out.append(
        charts.line_chart(
            f"Spam quarantined, {span}",
            "items",
            [charts.Series("quarantined", "s-bad", counts(stored["quarantined"]))],
            labels,
            every=every,
        )
    )
    return out


def queue_depth_now() -> int:
    """Tasks waiting in the embedded queue now (an indexed count), 0 if the queue is elsewhere."""
    try:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
    except Exception:
        return 0


def counts_of(metric: str) -> dict[str, int]:
    """All-time counts of a metric per label (from the day buckets)."""
    from newsdesk.core.models import Tally

    return dict(
        Tally.objects.filter(metric=metric, period=tallies.DAY)
        .values("label")
        .annotate(n=Sum("count"))
        .values_list("label", "n")
    )
