"""`python -m bench.serve.floor`: what an uncached page's fixed cost in the web process is made of.

Runs pages through the web process's own code, in process (no granian, no sockets): the environ the
RSGI bridge builds (newsdesk/live/server/wsgi.py, `build_environ`) and `WSGIBridge._answer` in this
thread, with a stand-in for granian's protocol object, the page cache off, the heap frozen as the server
freezes it. Each page's time is split into:

- `environ`: the bridge's WSGI environ;
- `handler`: Django's WSGIHandler outside the middleware (the request object, the `request_started`
  signal, the URLconf, the response's header list);
- one line per middleware: its own time, around the layer below it (timed at each layer's boundary);
- `resolve + view`: URL resolving and the view (with `public_page`'s caching helpers);
- `close`: the response's close, which sends `request_finished` (connections, caches, URLconf reset).

The split is this thread's CPU time (thread_time_ns, so a busy machine's preemption is not counted) at
the layer boundaries, less the clock reads' own cost, the median over `--rounds` runs of `--requests`
requests each; each run's CPU per request (process_time, without the timers) is given beside it.
`--bare` also runs each page with no middleware at all, in its own process, alternating with the full
stack: the most that merging or skipping middleware could save.

    python -m bench.serve.floor --data-dir /work/data/nd-100k [--postgres URL] [--bare]
        [--pages "/robots.txt,newest"] [--server-root DIR]
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.serve.tools import server_env

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {"host": "127.0.0.1:8000", "user-agent": "bench.serve.floor", "accept": "*/*"}


class Scope:
    """What granian's RSGI scope gives the bridge, for one GET."""

    method = "GET"
    query_string = ""
    server = "127.0.0.1:8000"
    http_version = "1.1"
    client = "127.0.0.1:50000"
    scheme = "http"

    def __init__(self, path: str) -> None:
        self.path, _, self.query_string = path.partition("?")
        self.headers = dict(HEADERS)


class Proto:
    """Stands in for granian's protocol object: keeps the answer."""

    status = 0
    body = b""

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.body = status, body


def middleware_layers(chain: Callable[..., Any]) -> list[Any]:
    """The middleware instances of a Django handler's `_middleware_chain`, outermost first.

    Django wraps every layer in `convert_exception_to_response`, whose closure holds the layer
    (`get_response`); each middleware's own `get_response` is the next wrapped layer, and the last one
    wraps the handler's `_get_response` (URL resolving and the view)."""
    layers: list[Any] = []
    wrapped: Any = chain
    while True:
        inner = inspect.getclosurevars(wrapped).nonlocals.get("get_response")
        if inner is None or inspect.ismethod(inner):  # the handler's own _get_response: the view
            return layers
        layers.append(inner)
        wrapped = inner.get_response


class Timed:
    """A layer's `get_response`, timed: the total nanoseconds spent below that layer."""

    def __init__(self, call: Callable[[Any], Any]) -> None:
        self.call, self.total = call, 0

    def __call__(self, request: Any) -> Any:
        start = time.thread_time_ns()
        try:
            return self.call(request)
        finally:
            self.total += time.thread_time_ns() - start


def _timer_pair_ns() -> float:
    """What one boundary's two clock reads cost (the median of many), in nanoseconds."""
    clock = time.thread_time_ns
    samples = []
    for _ in range(20):
        start = clock()
        for _ in range(1000):
            clock()
            clock()
        samples.append((clock() - start) / 1000)
    return statistics.median(samples)


def _child(path: str, requests: int, bare: bool) -> dict[str, Any]:
    """In a fresh process: run `path` `requests` times (after a warm-up) and split its time."""
    import django
    from django.conf import settings

    django.setup()
    if bare:
        settings.MIDDLEWARE = []
    from newsdesk.live.server.app import Application
    from newsdesk.live.server.wsgi import build_environ

    app = Application(threads=1)
    app.setup()
    bridge: Any = app._django
    django_handler = _django_handler(bridge.app)
    scope, proto = Scope(path), Proto()

    def one() -> None:
        bridge._answer(build_environ(scope, b""), proto)

    for _ in range(300):
        one()
    gc.freeze()
    if proto.status != 200:
        sys.exit(f"bench.serve.floor: {path} answered {proto.status}, not 200")
    start = time.process_time()
    for _ in range(requests):
        one()
    cpu_ms = (time.process_time() - start) * 1000 / requests
    # The split, in a second pass with timers at every boundary.
    layers = middleware_layers(django_handler._middleware_chain)
    timers = [Timed(layer.get_response) for layer in layers]
    for layer, timer in zip(layers, timers, strict=True):
        layer.get_response = timer
    chain = Timed(django_handler._middleware_chain)
    django_handler._middleware_chain = chain
    environ_ns = handler_ns = close_ns = 0
    clock = time.thread_time_ns
    pair = _timer_pair_ns()
    for _ in range(requests):
        t0 = clock()
        environ = build_environ(scope, b"")
        t1 = clock()
        result = django_handler(environ, lambda status, headers, exc_info=None: None)
        t2 = clock()
        result.close()
        t3 = clock()
        environ_ns += t1 - t0
        handler_ns += t2 - t1
        close_ns += t3 - t2
    us = 1000 * requests
    # Each boundary's own pair of clock reads is taken out of the stage that holds it.
    split = {"environ": environ_ns / us, "handler": (handler_ns - chain.total) / us - pair / 1000}
    above = chain.total
    for layer, timer in zip(layers, timers, strict=True):
        split[type(layer).__name__] = (above - timer.total) / us - pair / 1000
        above = timer.total
    split["resolve + view"] = above / us
    split["close"] = close_ns / us
    return {"cpu_ms": cpu_ms, "split_us": split, "bytes": len(proto.body)}


def _django_handler(app: Any) -> Any:
    """Django's WSGIHandler under the wrappers config/wsgi.py puts around it."""
    from django.core.handlers.wsgi import WSGIHandler

    seen = app
    for _ in range(8):
        if isinstance(seen, WSGIHandler):
            return seen
        closure = inspect.getclosurevars(seen).nonlocals if inspect.isfunction(seen) else {}
        seen = closure.get("app") or getattr(seen, "app", None)
    raise SystemExit("bench.serve.floor: Django's handler not found under config.wsgi.application")


def _newest_article(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup()\n"
        "from newsdesk.articles.models import Article\n"
        "from newsdesk.core import links\n"
        "row = Article.objects.published().order_by('-pk').values_list('pk', 'title').first()\n"
        "print(links.article_path(*row) if row else '')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=env["PYTHONPATH"], capture_output=True, text=True
    )
    path = done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else ""
    if not path:
        sys.exit(
            "bench.serve.floor: no published article in that database (build one with bench.serve.profile)"
        )
    return path


def _run(env: dict[str, str], path: str, requests: int, bare: bool) -> dict[str, Any]:
    # This file runs in the child, with the other checkout's code on its path (it may have no such bench).
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", path, "--requests", str(requests)]
    if bare:
        argv.append("--bare")
    done = subprocess.run(argv, env=env, cwd=env["PYTHONPATH"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench.serve.floor: the run of {path} failed:\n{done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.floor", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("NEWSDESK_DATA_DIR"))
    parser.add_argument("--postgres", metavar="URL", help="the database bench.serve.profile built there")
    parser.add_argument(
        "--pages", default="/robots.txt,newest", help="paths, comma-separated ('newest': an article)"
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bare", action="store_true", help="also run each page with no middleware")
    parser.add_argument("--server-root", default=str(ROOT), help="the checkout whose code runs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.requests, args.bare)))
        return
    if not args.data_dir or not Path(args.data_dir).is_dir():
        sys.exit("bench.serve.floor: --data-dir must be a site built by python -m bench.serve.profile")
    env = server_env(args.data_dir, args.postgres, str(Path(args.server_root).resolve()))
    env["NEWSDESK_PAGE_CACHE_SECONDS"] = "0"
    pages = [_newest_article(env) if page == "newest" else page for page in args.pages.split(",") if page]
    load = os.getloadavg()[0]
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"bench.serve.floor: {database}, {args.requests} requests a run, {args.rounds} rounds, medians; "
          f"load average {load:.1f} at the start")  # fmt: skip
    for path in pages:
        full: list[dict[str, Any]] = []
        bare: list[float] = []
        for _ in range(args.rounds):
            full.append(_run(env, path, args.requests, bare=False))
            if args.bare:
                bare.append(_run(env, path, args.requests, bare=True)["cpu_ms"])
        cpu = statistics.median(run["cpu_ms"] for run in full)
        print(f"\n{path} ({full[0]['bytes']:,} bytes): CPU {cpu:.3f} ms a request")
        if bare:
            print(f"  with no middleware at all: CPU {statistics.median(bare):.3f} ms a request")
        names = list(full[0]["split_us"])
        total = sum(statistics.median(run["split_us"][name] for run in full) for name in names)
        print(f"  {'stage':32s} {'µs':>8s} {'share':>6s}")
        for name in names:
            value = statistics.median(run["split_us"][name] for run in full)
            print(f"  {name:32s} {value:8.1f} {100 * value / total:5.1f}%")
        print(f"  {'total (timed pass)':32s} {total:8.1f}")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
