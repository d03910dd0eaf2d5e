"""`newsdesk run` (web server, worker and scheduler as one command), and each on its own:
`newsdesk web`, `newsdesk worker`, `newsdesk scheduler` (README "Running at scale").

`run` is a small supervisor: it starts the web server (granian: pages through Django's WSGI app,
the Live News stream on the event loop), a worker and a scheduler. Ctrl-C (or SIGTERM) stops them all.
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
from typing import TYPE_CHECKING, NoReturn

from newsdesk.core.errors import UserError

from .common import database, positive_int

if TYPE_CHECKING:
    from newsdesk.core.heartbeats import Beating

STOP_GRACE_SECONDS = 10


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run", help="serve the site, and fetch in the background (all in one)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=positive_int, default=8000, help="port to listen on (default 8000)")
    run.add_argument("--web-threads", type=positive_int, default=None, help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)

    web = commands.add_parser("web", help="run only the web server")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=positive_int, default=8000, help="port to listen on (default 8000)")
    web.add_argument("--processes", type=positive_int, default=1, help="web server processes (default 1)")
    web.set_defaults(handler=cmd_web)

    worker = commands.add_parser("worker", help="run only background tasks (start any number)")
    worker.add_argument(
        "--threads", type=positive_int, default=None,
        help="tasks run at once, each on a thread (database backend; default NEWSDESK_WORKER_THREADS, 1)",
    )  # fmt: skip
    worker.set_defaults(handler=cmd_worker)

    scheduler = commands.add_parser(
        "scheduler", help="only enqueue due work (start several: one is active, the others stand by)"
    )
    scheduler.set_defaults(handler=cmd_scheduler)


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


def web_server_command(host: str, port: int, max_streams: int, processes: int = 1) -> list[str]:
    """granian with our RSGI app: /live/stream on the event loop, pages in Django's WSGI app on a
    thread pool (docs/decisions/0015-live-news-serving.md). Backpressure must leave room for every
    open live stream plus the page requests, or pages would queue behind idle streams."""
    return [
        sys.executable, "-m", "granian", "--interface", "rsgi", "--host", host, "--port", str(port),
        "--workers", str(processes), "--no-ws", "--log-level", "warning", "--workers-kill-timeout", "5",
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


def _heartbeat(role: str) -> Beating:
    from django.conf import settings

    from newsdesk.core.heartbeats import Beating

    return Beating(role, settings.NEWSDESK_QUEUE["HEARTBEAT_SECONDS"]).start()


def _supervise(named: list[tuple[str, list[str]]], env: dict[str, str], banner: str) -> int:
    """Start each child in its own process group; stop them all on Ctrl-C or SIGTERM, or when one stops."""
    children: list[subprocess.Popen[bytes]] = []
    stopping = False
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        for _name, argv in named:
            children.append(_spawn(argv, env))
        print(banner, flush=True)
        while True:
            for child, (name, _argv) in zip(children, named, strict=True):
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


def cmd_run(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    _check_port_free(args.host, args.port)
    env = dict(os.environ)
    web = web_server_command(args.host, args.port, settings.NEWSDESK_LIVE["MAX_STREAMS"])
    if args.web_threads is not None:
        env["NEWSDESK_WEB_THREADS"] = str(args.web_threads)
    me = [sys.executable, "-m", "newsdesk"]
    beater = _heartbeat("web")
    try:
        return _supervise(
            [("web server", web), ("worker", [*me, "worker"]), ("scheduler", [*me, "scheduler"])],
            env,
            f"Newsdesk is running at http://{args.host}:{args.port}/ — press Ctrl-C to stop.",
        )
    finally:
        beater.stop()


def cmd_web(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    _check_port_free(args.host, args.port)
    web = web_server_command(args.host, args.port, settings.NEWSDESK_LIVE["MAX_STREAMS"], args.processes)
    beater = _heartbeat("web")
    try:
        return _supervise(
            [("web server", web)],
            dict(os.environ),
            f"Newsdesk's web server is listening at http://{args.host}:{args.port}/"
            f" ({args.processes} process(es)).",
        )
    finally:
        beater.stop()


def cmd_worker(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from newsdesk.core.heartbeats import process_name

    beater = _heartbeat("worker")
    try:
        backend = task_backends["default"]
        if isinstance(backend, DatabaseBackend):
            threads = args.threads or settings.NEWSDESK_INGEST["WORKER_THREADS"]
            if threads < 1:
                raise UserError(f"NEWSDESK_WORKER_THREADS must be 1 or more, not {threads}.")
            if threads == 1:
                from django_tasks_db.management.commands.db_worker import Worker

                db_worker = Worker(
                    queue_names=["default"], interval=settings.NEWSDESK_INGEST["WORKER_POLL_MS"] / 1000,
                    batch=False, backend_name="default",
                    # The heartbeat's name: the scheduler requeues the rows of a worker that stops beating.
                    startup_delay=False, max_tasks=None, worker_id=process_name(), excluded_queue_names=[],
                )  # fmt: skip
                db_worker.configure_signals()
                db_worker.run()
            else:
                from newsdesk.cli.threaded_worker import run_threaded_worker

                run_threaded_worker(
                    threads, settings.NEWSDESK_INGEST["WORKER_POLL_MS"] / 1000, process_name()
                )
        elif type(backend).__module__.startswith("django_tasks_rq"):
            if args.threads and args.threads > 1:
                raise UserError("--threads applies to the database backend; start more RQ workers instead.")
            _rq_worker()
        else:
            raise UserError(
                f"`newsdesk worker` runs the database or RQ backend's tasks, not {type(backend).__name__}'s."
            )
    finally:
        beater.stop()
    return 0


def _rq_worker() -> None:
    """RQ's own worker on our queue: each job in a forked work-horse; with its scheduler, so that a
    retried job comes back after its interval. Operators watch it with `rq info`."""
    import logging

    from django.db import connections
    from django_rq.workers import get_worker
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    log = logging.getLogger("newsdesk.worker")
    _preload_tasks()
    while True:
        try:
            worker = get_worker("default", job_class="django_tasks_rq.backend.Job")
            connections.close_all()  # a forked work-horse must not share the parent's database connection
            worker.work(with_scheduler=True, logging_level="WARNING")
            return
        except (RedisConnectionError, RedisTimeoutError) as exc:
            # RQ waits out a Redis that is away while idle; one that goes away mid-job ends work():
            # start again once it is back.
            log.warning("Lost Redis (%s); the worker starts again in 2 s", exc)
            time.sleep(2)


def _preload_tasks() -> None:
    """Import every app's tasks (and so the pipeline, trafilatura, ...) once, before RQ forks a work-horse
    per job: each horse then starts with them loaded instead of importing them again."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        name = f"{config.name}.tasks"
        if config.name.startswith("newsdesk.") and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    importlib.import_module("newsdesk.ingest.pipeline")


def cmd_scheduler(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    from newsdesk.ingest.election import election
    from newsdesk.ingest.scheduler import Scheduler, default_jobs

    vote = election()
    scheduler = Scheduler(default_jobs(settings.NEWSDESK_INGEST["SCHEDULER_TICK"]), gate=vote.lead)
    beater = _heartbeat("scheduler")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    scheduler.start()
    try:
        while scheduler.is_alive():
            scheduler.join(timeout=1)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
        scheduler.join(timeout=STOP_GRACE_SECONDS)
        vote.resign()
        beater.stop()
    return 0
