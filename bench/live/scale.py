"""`python -m bench.live --scale N`: N SSE readers split across several web processes sharing Redis pub/sub,
against the anchor of the same N readers on one process, in the same run (bench/live/__main__.py)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid

from bench.live.publishing import percentile, publish, tally, use_transport
from bench.live.servers import ROOT, Server, free_port, server_env


def open_readers(urls: list[str], n: int, expect: int, processes: int) -> list[subprocess.Popen[str]]:
    """`processes` asyncio reader processes, n readers in all, each process spread over every URL."""
    readers = []
    for k in range(processes):
        count = n // processes + (1 if k < n % processes else 0)
        readers.append(
            subprocess.Popen(
                [sys.executable, "-m", "bench.live.clients", ",".join(urls), str(count), str(expect), "180"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
    for clients in readers:
        assert clients.stdout is not None
        ready = clients.stdout.readline()
        if not ready.startswith("ready"):
            raise RuntimeError(
                f"the readers did not connect: {clients.stderr.read() if clients.stderr else ''}"
            )
    return readers


def scale_run(args: argparse.Namespace, transport_env: dict[str, str], processes: int) -> dict[str, float]:
    """N readers over `processes` web servers (one port each); returns the figures of one run."""
    from contextlib import ExitStack

    from newsdesk.cli.run import web_server_command

    n = args.scale
    with ExitStack() as stack:
        servers = []
        for _ in range(processes):
            port = free_port()
            argv = web_server_command("127.0.0.1", port, n + 100)
            servers.append(stack.enter_context(Server(argv, server_env(**transport_env), port)))
        urls = [f"http://127.0.0.1:{server.port}/live/stream" for server in servers]
        for url in urls:  # warm-up: the hub's threads and its Redis subscription
            warm = subprocess.run(
                [sys.executable, "-m", "bench.live.clients", url, "5", "0", "1"],
                input="\n", capture_output=True, text=True, cwd=ROOT, check=True,
            )  # fmt: skip
            assert warm.stdout.startswith("ready"), warm.stderr
        time.sleep(1)
        rss_before = sum(server.rss_bytes() for server in servers)
        started = time.monotonic()
        readers = open_readers(urls, n, args.articles, args.client_processes)
        connect_seconds = time.monotonic() - started
        time.sleep(2)
        rss_after = sum(server.rss_bytes() for server in servers)
        cpu_before = sum(server.cpu_seconds() for server in servers)
        committed = publish(args.articles, args.rate)
        outcomes = []
        for clients in readers:
            assert clients.stdout is not None
            outcomes.append(json.loads(clients.stdout.readline()))
        fan_out_cpu = sum(server.cpu_seconds() for server in servers) - cpu_before
        for clients in readers:
            clients.wait(timeout=60)

    refused = sum(outcome["refused"] for outcome in outcomes)
    reader_cpu = sum(outcome["cpu"] for outcome in outcomes)
    latencies, lost, duplicates = tally([a for outcome in outcomes for a in outcome["arrivals"]], committed)

    def pct(p: float) -> float:
        return percentile(latencies, p)

    return {
        "p50": pct(50), "p99": pct(99), "max": latencies[-1] if latencies else float("nan"),
        "delivered": len(latencies), "lost": lost, "duplicates": duplicates, "refused": refused,
        "kib_per_connection": (rss_after - rss_before) / n / 1024,
        "rss_before_mib": rss_before / 2**20, "rss_after_mib": rss_after / 2**20,
        "cpu_us_per_delivery": fan_out_cpu / max(len(latencies), 1) * 1e6, "connect_seconds": connect_seconds,
        "reader_cpu_us_per_delivery": reader_cpu / max(len(latencies), 1) * 1e6,
        "load": os.getloadavg()[0],
    }  # fmt: skip


def scale(args: argparse.Namespace) -> None:
    transport_env = {
        "NEWSDESK_LIVE_TRANSPORT": "redis",
        "NEWSDESK_REDIS_URL": args.redis_url,
        "NEWSDESK_LIVE_CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex}",
    }
    use_transport(transport_env)
    n, p = args.scale, args.scale_processes
    ours = scale_run(args, transport_env, p)
    anchor = scale_run(args, transport_env, 1)
    print(
        f"## Scale: {n} readers, {args.articles} articles at {args.rate:g}/s, Redis pub/sub; "
        f"{p} web processes against 1 (anchor); {args.client_processes} reader processes\n"
    )
    print(f"| measure | ours ({p} processes) | anchor (1 process) | ratio |\n|---|---|---|---|")
    rows = [
        ("delivery latency p50, commit → reader (ms)", "p50", "{:.0f}"),
        ("delivery latency p99 (ms; target < 1000)", "p99", "{:.0f}"),
        ("delivery latency max (ms)", "max", "{:.0f}"),
        (f"events delivered (expected {n * args.articles})", "delivered", "{:.0f}"),
        ("events lost (target 0)", "lost", "{:.0f}"),
        ("duplicates", "duplicates", "{:.0f}"),
        ("refused (503)", "refused", "{:.0f}"),
        ("server RSS per connection (KiB)", "kib_per_connection", "{:.1f}"),
        ("server RSS before (MiB, all processes)", "rss_before_mib", "{:.0f}"),
        ("server RSS with the readers open (MiB)", "rss_after_mib", "{:.0f}"),
        ("server CPU per delivered event (µs)", "cpu_us_per_delivery", "{:.0f}"),
        ("readers' CPU per delivered event (µs; same machine)", "reader_cpu_us_per_delivery", "{:.0f}"),
        ("seconds to open every reader", "connect_seconds", "{:.1f}"),
        ("load average after the run", "load", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        ratio = f"{ours[key] / anchor[key]:.2f}×" if anchor[key] else ""
        print(f"| {label} | {fmt.format(ours[key])} | {fmt.format(anchor[key])} | {ratio} |")
    print()
