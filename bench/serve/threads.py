"""`python -m bench.serve.threads`: the CPU an uncached article page costs in one process, by the number of
threads rendering pages at once (no server: Django's WSGI app called directly from a thread pool).

Each thread count runs in a fresh process: Django set up, the heap frozen as the web process freezes it
(`newsdesk.live.server.app.freeze_heap`), 600 distinct article pages to warm up and a second freeze, then
`--pages` more distinct articles through a pool of N threads. It reports the process's CPU per page and
the full (generation 2) collections seen meanwhile, with each one's CPU and what stayed in generation 2.

    python -m bench.serve.threads --data-dir /work/data/nd-100k [--postgres URL] [--threads 1,4,16]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.serve.measure import ROOT, article_paths
from bench.serve.tools import server_env

WARM = 600


def _child(paths: list[str], threads: int) -> dict[str, Any]:
    import django

    django.setup()
    from config.wsgi import application
    from newsdesk.live.server.app import freeze_heap

    def get(path: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False,
        }  # fmt: skip
        status: list[str] = []

        def start(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(line)

        result = application(environ, start)
        body = b"".join(result)
        result.close()  # type: ignore[attr-defined]
        if not status[0].startswith("200") or len(body) < 1000:
            raise SystemExit(f"{path}: {status[0]}")

    freeze_heap(collect=True)
    for path in paths[:WARM]:
        get(path)
    freeze_heap(collect=False)
    full: list[tuple[float, int, int]] = []
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        elif info["generation"] == 2:
            full.append(((time.thread_time() - started[0]) * 1000, info["collected"], len(gc.get_objects(2))))

    gc.callbacks.append(watch)
    cpu = time.process_time()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, paths[WARM:]))
    cpu = time.process_time() - cpu
    gc.callbacks.remove(watch)
    return {"threads": threads, "pages": len(paths) - WARM, "cpu": cpu, "full": full}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.threads", description=__doc__)
    parser.add_argument("--data-dir", default="/tmp/newsdesk-bench-profile")
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--threads", default="1,4,16")
    parser.add_argument("--pages", type=int, default=4000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        paths = Path(args.paths).read_text().split()
        print(json.dumps(_child(paths, args.child)))
        return
    env = server_env(args.data_dir, args.postgres, str(ROOT), NEWSDESK_PAGE_CACHE_SECONDS="0")
    listing = Path(tempfile.mkstemp(prefix="bench-threads-", suffix=".txt")[1])
    listing.write_text("\n".join(article_paths(env)[: WARM + args.pages]))
    print(f"Load average {os.getloadavg()[0]:.1f} at the start.")
    print("| threads | pages | CPU ms per page | full collections: CPU ms, collected, left in generation 2 |")
    print("|---|---|---|---|")
    try:
        for count in (int(n) for n in args.threads.split(",")):
            done = subprocess.run(
                [sys.executable, "-m", "bench.serve.threads", "--child", str(count), "--paths", str(listing)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            row = json.loads(done.stdout.splitlines()[-1])
            full = "; ".join(f"{ms:.1f}, {collected:,}, {left:,}" for ms, collected, left in row["full"])
            print(
                f"| {count} | {row['pages']:,} | {row['cpu'] * 1000 / row['pages']:.2f} | {full} |",
                flush=True,
            )
    finally:
        listing.unlink()
    print(f"Load average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
