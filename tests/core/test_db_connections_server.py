"""The web server keeps its database connections: one per page thread, held across requests. (On
PostgreSQL, a connection the server dropped is replaced before the next page uses it:
tests/scale/test_web_reconnects.py, collected only there.)"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.support.cli import serving

THREADS = 3
PAGE = "/api/articles"  # one that reads the database on every request (the page cache is off)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def crawl(base: str, requests: int) -> list[int]:
    """`requests` page requests, THREADS at a time (as many as the server has page threads)."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda _: status(base + PAGE), range(requests)))


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def open_connections(server: subprocess.Popen) -> set[object]:
    """What identifies each open database connection of the server: PostgreSQL's backend process ids,
    or the server processes' file descriptors on the SQLite file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return {pid for (pid,) in cursor.fetchall()}
    database = Path(connection.settings_dict["NAME"]).resolve()
    found: set[object] = set()
    for pid in descendants(server.pid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if Path(os.readlink(f"/proc/{pid}/fd/{fd}")) == database:
                    found.add((pid, fd))
            except OSError:
                continue
    return found


@pytest.fixture
def web():
    with serving(
        "web", "/robots.txt", NEWSDESK_PAGE_CACHE_SECONDS="0", NEWSDESK_WEB_THREADS=str(THREADS)
    ) as started:
        yield started


@pytest.mark.django_db(transaction=True)
def test_page_threads_keep_their_connections_across_requests(web):
    process, base = web
    assert crawl(base, 30) == [200] * 30
    held = open_connections(process)
    # One per page thread, and the command's own two (its start-up check and its heartbeat).
    assert 1 <= len(held) <= THREADS + 2

    assert crawl(base, 60) == [200] * 60
    # Every connection held is still held (none closed and opened again per request). The pool starts a
    # page thread only when no idle one can take a request, so a thread the first crawl never needed may
    # open its own connection now: still one per page thread at most.
    later = open_connections(process)
    assert held <= later
    assert len(later) <= THREADS + 2
