"""Running the real `newsdesk` command in a subprocess against the test database.

Use with a transactional test (`@pytest.mark.django_db(transaction=True)`), so that what the test
writes is committed and the subprocess sees it, and vice versa.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

NEWSDESK = [sys.executable, "-m", "newsdesk"]


def test_database_url() -> str:
    """The URL of the database the tests are using right now (the test database, not the real one)."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(conf['NAME']).resolve()}"
    user = conf.get("USER") or "postgres"
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{conf['NAME']}"


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=test_database_url(),
        NEWSDESK_ALLOW_PRIVATE_NETWORKS="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("NEWSDESK_TEST_DB_NAME", None)
    env.update(extra)
    return env


def run_cli(
    *args: str, timeout: float = 120, input: str | None = None, **env: str
) -> subprocess.CompletedProcess:
    """Run `newsdesk ARGS...` to completion; returns the completed process (text mode)."""
    return subprocess.run(
        [*NEWSDESK, *args],
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        check=False,
    )


def start_cli(*args: str, **env: str) -> subprocess.Popen:
    """Start `newsdesk ARGS...` in the background (e.g. `run`); the caller stops it."""
    return subprocess.Popen(
        [*NEWSDESK, *args],
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@contextlib.contextmanager
def serving(command: str, probe: str, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`newsdesk COMMAND --port P` (`run` or `web`) started, answering `probe`, stopped afterwards:
    yields the process and its base URL."""
    from tests.support.net import free_port

    port = free_port()
    process = start_cli(command, "--port", str(port), **env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + probe, timeout=10).close()
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError(
            f"newsdesk {command} did not start: {process.stderr.read() if process.stderr else ''}"
        )
    try:
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)  # `newsdesk run` stops its own children
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
