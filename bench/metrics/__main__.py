"""`python -m bench.metrics`: what recording Prometheus metrics (multi-process files) costs the hottest
path we have, a page cache hit, beside the same hit with the counter made a no-op, same run.

The page cache (newsdesk/core/pagecache.py) sits in front of a tiny WSGI app that answers a cacheable
page; after one miss, every request is a hit, which counts `newsdesk_page_cache_hits_total` (an mmap write
under a lock). Cases take turns in every round; figures are the median CPU microseconds per request of this
process. Also printed: one bare `Counter.inc()` in multi-process mode, against the same in a process using
prometheus_client's default in-memory values (a subprocess), the anchor for the storage itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-bench-metrics-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

BODY = b"<html><body>" + b"a cached page " * 400 + b"</body></html>"
INC_SNIPPET = """
import time
from prometheus_client import Counter
c = Counter("bench_inc", "x")
n = {n}
began = time.process_time()
for _ in range(n):
    c.inc()
print((time.process_time() - began) / n * 1e6)
"""


def page(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/html"),
            ("Content-Length", str(len(BODY))),
            ("Cache-Control", "public, max-age=60"),
        ],
    )
    return [BODY]


def environ() -> dict[str, Any]:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http"}  # fmt: skip


def per_request(cache: Any, requests: int) -> float:
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        pass

    began = time.process_time()
    for _ in range(requests):
        b"".join(cache(environ(), start_response))
    return (time.process_time() - began) / requests * 1e6


class NoCounter:
    def inc(self, amount: float = 1) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from newsdesk.core import metrics
    from newsdesk.core.pagecache import PageCache

    cache = PageCache(page, ttl=3600)
    per_request(cache, 10)  # the miss, and warm-up
    real = metrics.page_cache_hits
    ours, anchor = [], []
    for _ in range(args.rounds):
        metrics.page_cache_hits = real
        ours.append(per_request(cache, args.requests))
        metrics.page_cache_hits = NoCounter()  # type: ignore[assignment]
        anchor.append(per_request(cache, args.requests))
    metrics.page_cache_hits = real

    n = args.requests * 5
    began = time.process_time()
    for _ in range(n):
        real.inc()
    multi = (time.process_time() - began) / n * 1e6
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    single = float(
        subprocess.run(
            [sys.executable, "-c", INC_SNIPPET.format(n=n)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    load = os.getloadavg()[0]
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, load average {load:.1f}")
    print(f"page cache hit, {args.requests} requests x {args.rounds} rounds (median CPU us/request):")
    o, a = statistics.median(ours), statistics.median(anchor)
    print(f"  ours (hit counted, multi-process file): {o:.2f}")
    print(f"  anchor (counter a no-op):               {a:.2f}")
    print(f"  ratio: {o / a:.2f}x")
    print(f"Counter.inc(), {n} calls (CPU us/call): multi-process {multi:.3f}, in-memory {single:.3f}, "
          f"ratio {multi / single:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
