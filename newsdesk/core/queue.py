"""The RQ queue behind `NEWSDESK_TASK_BACKEND=rq`: RQ's own, with a retry on every job.

A job whose work-horse is killed (SIGKILL, out of memory) is failed by RQ's worker, and a job whose
whole worker died is found abandoned by RQ's registry clean-up; in both cases RQ requeues a job that
has retries left. Our tasks are safe to run again (a source is refreshed under a lease, an article
is stored once by its unique key), so every job gets a few.
"""

from __future__ import annotations

from typing import Any

from django_rq.queues import DjangoRQ
from rq.job import Retry

RETRIES = 3
RETRY_INTERVALS = [5, 15, 60]


class RetryingQueue(DjangoRQ):
    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(max=RETRIES, interval=RETRY_INTERVALS)
        return super().create_job(*args, **kwargs)


def requeue_abandoned() -> int:
    """Run RQ's clean-up of the jobs of dead workers now, rather than at a worker's next maintenance
    (every ten minutes): those with retries left are queued again. Returns how many were found."""
    import django_rq
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=django_rq.get_queue("default"))
    found = len(registry.get_expired_job_ids())
    if found:
        registry.cleanup()
    return found
