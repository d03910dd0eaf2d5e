"""The task queue's counts for the operator console: tasks enqueued, started (with how long each waited)
and finished (with how long each ran), by django.tasks' own signals, in whichever process they fire."""

from __future__ import annotations

from typing import Any

from . import tallies


def _name(task_result: Any) -> str:
    path = str(getattr(task_result.task, "module_path", "") or "")
    return path.rsplit(".", 1)[-1][:64]


def on_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    tallies.add("task.enqueued", _name(task_result))


def on_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    enqueued, started = task_result.enqueued_at, task_result.started_at
    waited = max((started - enqueued).total_seconds(), 0.0) if enqueued and started else 0.0
    tallies.add("task.started", _name(task_result), total=waited)


def on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, finished = task_result.started_at, task_result.finished_at
    ran = max((finished - started).total_seconds(), 0.0) if started and finished else 0.0
    tallies.add("task.finished", str(getattr(task_result.status, "value", task_result.status)), total=ran)


def connect() -> None:
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(on_enqueued, dispatch_uid="newsdesk.tallies.enqueued")
    task_started.connect(on_started, dispatch_uid="newsdesk.tallies.started")
    task_finished.connect(on_finished, dispatch_uid="newsdesk.tallies.finished")
