"""`python -m bench.live`: Live News under load, and what serving the stream costs the pages.

1. Serving: requests/s and CPU per request of the ordinary pages (home, an article) under each web
   server arrangement `newsdesk run` could use; the anchor is plain granian WSGI (pages only).
2. Streams: 1,000 SSE readers on one web process (ours), 100 articles published from this process
   (another process than the server's, as `newsdesk fetch` would): delivery latency from each
   article's commit to each reader (p50, p99), events lost, memory per idle connection, and the pages'
   requests/s with the 1,000 streams open against none. Once per transport (database; Redis when
   one answers at NEWSDESK_REDIS_URL or 127.0.0.1:6379).

3. Scale (--scale N): N SSE readers split across two web processes (two `newsdesk web` servers on two
   ports) sharing Redis pub/sub, against the anchor of the same N readers on one process, in the same run:
   delivery latency p50/p99, events lost, and server RSS per connection (RSS with the readers open minus
   RSS before, summed over the processes, divided by N). Needs Redis (--redis-url).

Everything runs on loopback, against a fresh SQLite database in a temporary directory. Figures are
medians of --rounds runs. Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

from bench.live.publishing import percentile, publish, redis_answers, seed, tally, use_transport
from bench.live.scale import scale
from bench.live.servers import ROOT, Server, arrangements, free_port, median_load, server_env, wrk

# The article's path is known once it is stored; robots.txt is the lightest Django view (the overhead
# of each arrangement shows best there).
PAGES = {"home": "/", "article": "", "robots.txt": "/robots.txt"}
THREADS = 16


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="articles published per second")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure; medians are reported")
    parser.add_argument("--seconds", type=int, default=4, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument(
        "--scale", type=int, default=0, metavar="N",
        help="only the scale run: N readers over two web processes with Redis, and over one (the anchor)",
    )  # fmt: skip
    parser.add_argument("--scale-processes", type=int, default=2, help="web processes in the scale run")
    parser.add_argument(
        "--client-processes", type=int, default=2, help="asyncio reader processes (scale run)"
    )
    parser.add_argument("--skip-streams", action="store_true")
    parser.add_argument("--transports", default="database,redis", help="stream runs: database, redis or both")
    parser.add_argument(
        "--redis-url", default=os.environ.get("NEWSDESK_REDIS_URL") or "redis://127.0.0.1:6379/0"
    )
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Raised to the hard limit: the servers and the readers inherit it (each reader is one descriptor).
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, hard), hard))
    if args.scale and args.scale + 200 > hard:
        raise SystemExit(
            f"--scale {args.scale} needs more open files than this machine's hard limit ({hard})."
        )
    data_dir = tempfile.mkdtemp(prefix="newsdesk-bench-live-")
    os.environ.update(
        NEWSDESK_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        NEWSDESK_SECRET_KEY="bench-only",  # noqa: S106 - a throwaway site in a temporary directory
        NEWSDESK_LIVE_MAX_STREAMS=str(max(args.streams, args.scale) + 100),
        # Every simulated reader comes from loopback: lift the per-address limit to just below the cap.
        NEWSDESK_LIVE_MAX_STREAMS_PER_ADDRESS="0",
        NEWSDESK_WEB_THREADS=str(THREADS),
    )
    os.environ.pop("NEWSDESK_REDIS_URL", None)
    try:
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"SQLite in {data_dir}; wrk -t1 -c{args.connections} -d{args.seconds}s; "
            f"medians of {args.rounds}\n"
        )
        PAGES["article"] = seed()
        if args.scale:
            if not redis_answers(args.redis_url):
                raise SystemExit(f"the scale run needs Redis; {args.redis_url} does not answer.")
            scale(args)
            return
        if not args.skip_serving:
            serving(args)
        if not args.skip_streams and "database" in args.transports:
            streams(args, {"NEWSDESK_LIVE_TRANSPORT": "database"}, "database (poll every 250 ms)")
        if not args.skip_streams and "redis" in args.transports:
            if redis_answers(args.redis_url):
                streams(
                    args,
                    {
                        "NEWSDESK_LIVE_TRANSPORT": "redis",
                        "NEWSDESK_REDIS_URL": args.redis_url,
                        "NEWSDESK_LIVE_CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex}",
                    },
                    "Redis pub/sub",
                )
            else:
                print(f"(Redis at {args.redis_url} does not answer: its run is skipped)\n")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def serving(args: argparse.Namespace) -> None:
    port = free_port()
    commands = arrangements(port, THREADS, args.streams + 100)
    results: dict[str, dict[str, list]] = {name: {page: [] for page in PAGES} for name in commands}
    for _round in range(args.rounds):
        for name, argv in commands.items():  # interleaved, so that a noisy moment hits all alike
            with Server(argv, server_env(), port) as server:
                for path in PAGES.values():  # warm-up: templates compiled, threads started
                    wrk(server, f"http://127.0.0.1:{port}{path}", 1, args.connections)
                for page, path in PAGES.items():
                    load = wrk(server, f"http://127.0.0.1:{port}{path}", args.seconds, args.connections)
                    results[name][page].append(load)
    anchor = next(iter(commands))
    print("## Serving: pages under each arrangement (no stream open)\n")
    print("| arrangement | page | requests/s | CPU ms/request | p99 ms | requests/s vs anchor |")
    print("|---|---|---|---|---|---|")
    for name in commands:
        for page in PAGES:
            load = median_load(results[name][page])
            base = median_load(results[anchor][page])
            ratio = load.requests_per_second / base.requests_per_second
            print(
                f"| {name} | {page} | {load.requests_per_second:.0f} | {load.cpu_ms_per_request:.2f} "
                f"| {load.p99_ms:.1f} | {ratio:.2f}× |"
            )
    print()


def streams(args: argparse.Namespace, transport_env: dict[str, str], label: str) -> None:
    use_transport(transport_env)
    port = free_port()
    from newsdesk.cli.run import web_server_command

    argv = web_server_command("127.0.0.1", port, args.streams + 100)
    base = f"http://127.0.0.1:{port}"
    with Server(argv, server_env(**transport_env), port) as server:
        # Warm up the pages and the hub (its threads and first poll) before the baseline.
        wrk(server, base + "/", 1, args.connections)
        warm = subprocess.run(
            [sys.executable, "-m", "bench.live.clients", base + "/live/stream", "5", "0", "1"],
            input="\n", capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
        assert warm.stdout.startswith("ready"), warm.stderr
        time.sleep(1)
        rss_before = server.rss_bytes()
        idle_cpu = server.cpu_seconds()
        time.sleep(5)
        idle_cpu = server.cpu_seconds() - idle_cpu
        without = median_load(
            [wrk(server, base + "/", args.seconds, args.connections) for _ in range(args.rounds)]
        )

        clients = subprocess.Popen(
            [sys.executable, "-m", "bench.live.clients", base + "/live/stream", str(args.streams),
             str(args.articles), "120"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert clients.stdout is not None
        ready = clients.stdout.readline()
        if not ready.startswith("ready"):
            raise RuntimeError(
                f"the readers did not connect: {clients.stderr.read() if clients.stderr else ''}"
            )
        time.sleep(2)
        rss_after = server.rss_bytes()
        with_streams = median_load(
            [wrk(server, base + "/", args.seconds, args.connections) for _ in range(args.rounds)]
        )
        cpu_before = server.cpu_seconds()
        committed = publish(args.articles, args.rate)
        outcome = json.loads(clients.stdout.readline())
        fan_out_cpu = server.cpu_seconds() - cpu_before
        clients.wait(timeout=30)

    latencies, lost, duplicates = tally(outcome["arrivals"], committed)

    def pct(p: float) -> float:
        return percentile(latencies, p)

    per_connection = (rss_after - rss_before) / args.streams
    print(f"## Streams: {args.streams} readers on one web process, {args.articles} articles; {label}\n")
    print("| measure | ours | anchor | ratio |\n|---|---|---|---|")
    print(f"| delivery latency p50, commit → reader | {pct(50):.0f} ms | target p99 < 1000 ms | |")
    print(f"| delivery latency p99 | {pct(99):.0f} ms | 1000 ms (target) | {pct(99) / 1000:.2f}× |")
    print(f"| delivery latency max | {latencies[-1] if latencies else float('nan'):.0f} ms | | |")
    print(f"| events delivered | {len(latencies)} | {args.streams * args.articles} expected | |")
    print(f"| events lost | {lost} | 0 (target) | |")
    print(f"| duplicates | {duplicates} | 0 | |")
    print(f"| refused (503) | {outcome['refused']} | 0 | |")
    per_delivery = fan_out_cpu / max(len(latencies), 1) * 1e6
    print(f"| web process CPU per delivered event (publish phase) | {per_delivery:.0f} µs | | |")
    print(f"| memory per idle connection (worker RSS) | {per_connection / 1024:.1f} KiB | | |")
    mib = 2**20
    print(
        f"| worker RSS, before → with the streams open "
        f"| {rss_before / mib:.0f} → {rss_after / mib:.0f} MiB | | |"
    )
    rps, rps0 = with_streams.requests_per_second, without.requests_per_second
    cpu, cpu0 = with_streams.cpu_ms_per_request, without.cpu_ms_per_request
    print(
        f"| home page requests/s with the streams open "
        f"| {rps:.0f} | {rps0:.0f} with none | {rps / rps0:.2f}× |"
    )
    print(
        f"| home page CPU ms/request with the streams open "
        f"| {cpu:.2f} | {cpu0:.2f} with none | {cpu / cpu0:.2f}× |"
    )
    print(
        f"| web process CPU while idle (hub polling, 5 readers) | {idle_cpu / 5 * 100:.2f} % of a core | | |"
    )
    print()


if __name__ == "__main__":
    main()
