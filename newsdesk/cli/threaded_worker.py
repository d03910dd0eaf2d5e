"""`newsdesk worker --threads N` with the database task backend: N tasks at once in one process.

Each thread runs django-tasks-db's own worker loop, so each claims its task rows the library's way (a
locked SELECT and a claim in one transaction): no row is run by two threads. They share the process's
worker id, the name its heartbeat beats under, so the rows of a killed worker are queued again as
before. Django's database connections are per thread; each thread closes its own after every task.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

log = logging.getLogger("newsdesk.worker")


class _ThreadWorker(Worker):
    """The library's loop, with the thread's connections closed once each task is done."""

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            connections.close_all()


def run_threaded_worker(threads: int, interval: float, worker_id: str) -> None:
    workers = [
        _ThreadWorker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        for _ in range(threads)
    ]

    def stop(signum: int, frame: FrameType | None) -> None:
        if not workers[0].running:  # a second signal: leave now, as the one-thread worker does
            raise SystemExit(1)
        log.warning("%s: the worker stops once its running tasks finish", signal.strsignal(signum))
        for worker in workers:
            worker.running = False

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
        signal.signal(signum, stop)

    failed: list[BaseException] = []

    def loop(worker: _ThreadWorker) -> None:
        try:
            worker.run()
        except BaseException as exc:  # the whole worker stops, as the one-thread worker would
            failed.append(exc)
            for other in workers:
                other.running = False
        finally:
            connections.close_all()

    running = [
        threading.Thread(target=loop, args=(worker,), name=f"worker-{n}", daemon=True)
        for n, worker in enumerate(workers)
    ]
    for thread in running:
        thread.start()
    for thread in running:
        while thread.is_alive():
            thread.join(timeout=0.5)  # a short wait, so that the main thread still takes signals
    if failed:
        raise failed[0]
