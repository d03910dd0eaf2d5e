"""`newsdesk doctor` against a good installation, then against each broken one: every fault is its own
problem line and the exit status is non-zero."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.newsletter.smtp_sink import SMTPSink
from tests.support import cli
from tests.support.net import free_port

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def sink() -> Iterator[SMTPSink]:
    with SMTPSink() as server:
        yield server


@pytest.fixture
def good(tmp_path: Path, sink: SMTPSink) -> dict[str, str]:
    """The environment of a healthy production site, with a worker and a scheduler just seen."""
    from newsdesk.core.heartbeats import beat

    key = tmp_path / "secret_key"
    key.write_text("k" * 50)
    key.chmod(0o600)
    beat("worker")
    beat("scheduler")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DJANGO_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=cli.test_database_url(),
        NEWSDESK_DATA_DIR=str(tmp_path),
        NEWSDESK_REDIS_URL=REDIS_URL,
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        NEWSDESK_SITE_URL="https://news.example.org",
        NEWSDESK_HTTPS="1",
        NEWSDESK_ALLOWED_HOSTS="news.example.org",
    )
    return env


def doctor(env: dict[str, str]) -> tuple[int, list[str]]:
    done = subprocess.run(
        [*cli.NEWSDESK, "doctor"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout.splitlines()


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("problem")]


def test_a_good_installation_is_all_ok(good: dict[str, str], sink: SMTPSink) -> None:
    code, lines = doctor(good)
    assert code == 0, lines
    checks = [line.split()[1].rstrip(":") for line in lines]
    for check in ("database", "redis", "queue", "worker", "scheduler", "smtp", "disk", "secret", "debug",
                  "https", "allowed", "site", "clock"):  # fmt: skip
        assert check in checks, (check, lines)
    assert all(line.startswith("ok ") for line in lines), lines
    assert sink.messages == []  # EHLO only: nothing was sent


def _one_problem(env: dict[str, str], check: str, *words: str) -> str:
    code, lines = doctor(env)
    assert code == 1, lines
    found = problems(lines)
    assert len(found) == 1, lines
    line = found[0]
    assert line.startswith(f"problem  {check}:"), line
    assert "fix:" in line
    for word in words:
        assert word in line, line
    return line


def test_database_down(good: dict[str, str]) -> None:
    good["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{free_port()}/newsdesk"
    _one_problem(good, "database", "cannot connect", "DATABASE_URL")


def test_redis_unreachable(good: dict[str, str]) -> None:
    good["NEWSDESK_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/7"
    _one_problem(good, "redis", "cannot reach", "NEWSDESK_REDIS_URL")


def test_smtp_refusing(good: dict[str, str]) -> None:
    port = free_port()
    good["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    _one_problem(good, "smtp", f"127.0.0.1:{port}", "EMAIL_URL")


def test_debug_on_with_https(good: dict[str, str]) -> None:
    good["NEWSDESK_DEBUG"] = "1"
    _one_problem(good, "debug", "DEBUG is on", "NEWSDESK_DEBUG")


def test_world_readable_secret_key(good: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "secret_key").chmod(0o644)
    _one_problem(good, "secret key", "644", f"chmod 600 {tmp_path / 'secret_key'}")


def test_a_relative_site_url_and_hosts_not_matching(good: dict[str, str]) -> None:
    good["NEWSDESK_SITE_URL"] = "news.example.org"
    code, lines = doctor(good)
    assert code == 1
    assert [line.split(":")[0] for line in problems(lines)] == ["problem  site url"], lines


def test_a_worker_not_seen_is_a_warning_not_a_problem(good: dict[str, str]) -> None:
    from newsdesk.core.models import Heartbeat

    Heartbeat.objects.filter(role="worker").delete()
    code, lines = doctor(good)
    assert code == 0, lines
    assert any(line.startswith("warning  worker: never seen") for line in lines), lines


def test_a_running_worker_and_scheduler_are_seen(good: dict[str, str]) -> None:
    import signal

    from newsdesk.core.models import Heartbeat
    from tests.support.net import wait_for

    Heartbeat.objects.all().delete()
    processes = []
    for role in ("worker", "scheduler"):
        processes.append(
            subprocess.Popen(
                [*cli.NEWSDESK, role],
                env=good,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        )
    try:
        assert wait_for(
            lambda: set(Heartbeat.objects.values_list("role", flat=True)) >= {"worker", "scheduler"}, 60
        )
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    code, lines = doctor(good)
    assert code == 0, lines
    assert any(line.startswith("ok       worker: seen") for line in lines), lines
    assert any(line.startswith("ok       scheduler: seen") for line in lines), lines
