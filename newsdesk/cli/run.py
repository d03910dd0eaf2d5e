"""`newsdesk run` (web server, scheduler and worker as one command) and `newsdesk worker`.

`run` is a small supervisor: it starts the web server (granian: pages through Django's WSGI app,
the Live News stream on the event loop) and a worker process. Ctrl-C (or SIGTERM) stops them all cleanly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import NoReturn

from newsdesk.core.errors import UserError

from .common import database, positive_int

STOP_GRACE_SECONDS = 10


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run", help="serve the site, and fetch in the background")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=positive_int, default=8000, help="port to listen on (default 8000)")
    run.add_argument("--web-threads", type=positive_int, default=None, help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)

    worker = commands.add_parser("worker", help="run only the background worker and scheduler")
    worker.add_argument("--no-scheduler", action="store_true", help="do not enqueue due work, only run it")
    worker.set_defaults(handler=cmd_worker)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(
                f"Cannot listen on {host}:{port} ({exc.strerror}); choose another with --port."
            ) from None


def web_server_command(host: str, port: int, max_streams: int) -> list[str]:
    """granian with our RSGI app: /live/stream on the event loop, pages in Django's WSGI app on a
    thread pool (docs/decisions/0015-live-news-serving.md). Backpressure must leave room for every
    open live stream plus the page requests, or pages would queue behind idle streams."""
    return [
        sys.executable, "-m", "granian", "--interface", "rsgi", "--host", host, "--port", str(port),
        "--workers", "1", "--no-ws", "--log-level", "warning", "--workers-kill-timeout", "5",
        "--backlog", "2048", "--backpressure", str(max_streams + 256),
        "newsdesk.live.server:application",
    ]  # fmt: skip


def _raise_interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in its own process group: Ctrl-C reaches only the supervisor, which then stops each
    group as a whole (granian's own worker processes included)."""
    return subprocess.Popen(argv, env=env, start_new_session=True)


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        # Whatever the child left behind in its group goes too.
        _signal_group(child, signal.SIGKILL)


def cmd_run(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    _check_port_free(args.host, args.port)
    env = dict(os.environ)
    web = web_server_command(args.host, args.port, settings.NEWSDESK_LIVE["MAX_STREAMS"])
    if args.web_threads is not None:
        env["NEWSDESK_WEB_THREADS"] = str(args.web_threads)
    worker = [sys.executable, "-m", "newsdesk", "worker"]
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        children.append(_spawn(web, env))
        children.append(_spawn(worker, env))
        print(f"Newsdesk is running at http://{args.host}:{args.port}/ — press Ctrl-C to stop.", flush=True)
        while True:
            for child, name in zip(children, ("web server", "worker"), strict=True):
                code = child.poll()
                if code is not None:
                    raise UserError(
                        f"The {name} stopped unexpectedly (exit status {code}); stopping Newsdesk."
                    )
            time.sleep(0.5)
    except KeyboardInterrupt:
        stopping = True
        print("Stopping Newsdesk…", file=sys.stderr, flush=True)
        return 0
    finally:
        # A second Ctrl-C or SIGTERM while stopping must not cut the shutdown short with a traceback;
        # _stop itself escalates to SIGKILL after its grace period.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop(children)
        if stopping:
            print("Stopped.", file=sys.stderr, flush=True)


def cmd_worker(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from newsdesk.core.heartbeats import Beating
    from newsdesk.ingest.scheduler import Scheduler, default_jobs

    scheduler = None
    beats: list[Beating] = []
    if not args.no_scheduler:
        scheduler = Scheduler(default_jobs(settings.NEWSDESK_INGEST["SCHEDULER_TICK"]))
        scheduler.start()
        beats.append(Beating("scheduler").start())
    try:
        if isinstance(task_backends["default"], DatabaseBackend):
            beats.append(Beating("worker").start())
            from django.utils.crypto import get_random_string
            from django_tasks_db.management.commands.db_worker import Worker

            db_worker = Worker(
                queue_names=["default"], interval=settings.NEWSDESK_INGEST["WORKER_POLL_MS"] / 1000,
                batch=False, backend_name="default",
                startup_delay=False, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
            )  # fmt: skip
            db_worker.configure_signals()
            db_worker.run()
        else:
            # Another backend (RQ, ...) runs its tasks in its own workers; this process only schedules.
            signal.signal(signal.SIGTERM, _raise_interrupt)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    finally:
        for beating in beats:
            beating.stop()
        if scheduler is not None:
            scheduler.stop()
    return 0
