"""One digest run, `--now`, against the sink; prints JSON: sent, seconds, peak memory.

Its own process, started after the database was built, so its peak resident memory is the run's.
`worker` mode runs as a worker's task does (`join=True`). `anchor` mode instead sends the same number of
pre-built messages through Django's SMTP backend on one connection: the transport's ceiling, with no
database, no digest building and no rendering.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def ours(join: bool = False) -> dict:
    """`join`: as a `newsdesk worker`'s task does (tasks.py): take batches while there are any, then stop,
    leaving batches another worker holds to it. Without it, as the command does: wait for them."""
    from newsdesk.newsletter.sending import DigestSender

    marks: list[float] = []
    wall_start = time.time()
    started = time.perf_counter()
    sender = DigestSender(on_progress=lambda n: marks.append(time.perf_counter()))
    report = sender.run(force=True, join=join)
    seconds = time.perf_counter() - started
    half = len(marks) // 2
    second_half = (len(marks) - half) / (marks[-1] - marks[half]) if len(marks) > 2 else 0.0
    return {"sent": report.sent, "skipped": report.skipped, "failed": report.failed, "seconds": seconds,
            "second_half_rate": second_half, "wall_start": wall_start, "wall_end": time.time()}  # fmt: skip


def anchor(count: int) -> dict:
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.core.mail.backends.smtp import EmailBackend

    html = "<p>" + "A short synthetic story summary. " * 300 + "</p>"
    text = "A short synthetic story summary. " * 300
    backend = EmailBackend(fail_silently=False)
    assert get_connection() is not None
    backend.open()
    started = time.perf_counter()
    for n in range(count):
        message = EmailMultiAlternatives(
            "Digest", text, to=[f"reader{n:06d}@example.org"], connection=backend
        )
        message.attach_alternative(html, "text/html")
        backend.send_messages([message])
    seconds = time.perf_counter() - started
    backend.close()
    return {"sent": count, "seconds": seconds}


if __name__ == "__main__":
    from newsdesk.core.bootstrap import ensure_database

    ensure_database()
    if sys.argv[1] != "anchor":
        # Imports and the URL table, once per process: left out of the CPU per message.
        from newsdesk.newsletter.links import manage_urls
        from newsdesk.newsletter.sending import DigestSender  # noqa: F401

        manage_urls("warm-up", "warm-up")
    start = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = start.ru_utime + start.ru_stime
    result = anchor(int(sys.argv[2])) if sys.argv[1] == "anchor" else ours(join=sys.argv[1] == "worker")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_before"] = cpu_before
    result["max_rss_mib"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime - result.pop("cpu_before")
    print(json.dumps(result))
