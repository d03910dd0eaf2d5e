"""The processes of the refresh bench (bench/refresh/__main__.py): the environment its Django children get,
the Django side's subcommands, the feed farm, and the CPU and task counts read while the workers run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def child_env(database_url: str, work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "NEWSDESK_DATA_DIR": str(work),
        "NEWSDESK_SECRET_KEY": "benchmark-only",
        "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "NEWSDESK_WORKER_POLL_MS": "100",
        **extra,
    })  # fmt: skip
    return env


def ask_django(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.refresh.django_side", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench.refresh.django_side {args[0]} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


class FarmProcess:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.refresh.farm", *args], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.proc.stdout is not None
        self.manifest = self.proc.stdout.readline()
        self.sites = json.loads(self.manifest)["sites"]

    def stop(self) -> dict:
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])

    def cpu(self) -> float:
        return cpu_of(self.proc.pid)


class PostgresCpu:
    """The CPU time of the PostgreSQL backends serving the bench's database, from /proc: sampled (call
    `sample()` often), each backend's last figure minus what it had used when first seen. A backend that
    starts and ends between two samples is missed, so this is a lower bound when connections are short.
    Nothing on SQLite (the database is in the workers' own processes)."""

    def __init__(self, database_url: str) -> None:
        self.seen: dict[int, tuple[float, float]] = {}  # pid -> (first, last) CPU seconds
        self.conn = None
        if database_url.startswith("postgres"):
            import psycopg

            self.conn = psycopg.connect(database_url, autocommit=True)
            self.sample(first=True)

    def sample(self, first: bool = False) -> None:
        if self.conn is None:
            return
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in rows:
            try:
                cpu = cpu_of(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
            start = self.seen.get(pid, (cpu if first else 0.0, 0.0))[0]
            self.seen[pid] = (start, cpu)

    def total(self) -> float:
        return sum(last - first for first, last in self.seen.values())

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def logged(logs: list[Path]) -> list[str]:
    return logged_lines("\n".join(log.read_text(errors="replace") for log in logs))


def logged_lines(text: str) -> list[str]:
    """The first few error and warning lines logged (their time stamps cut off)."""
    lines = [
        line.split(" ", 2)[-1][:200] for line in text.splitlines() if " ERROR " in line or " WARNING " in line
    ]
    return [f"{len(lines)} error/warning line(s)", *lines[:8]]


def profiled_argv(argv: list[str], where: str, name: str) -> list[str]:
    """`python -m newsdesk ...` under cProfile (CPU time), written to WHERE/NAME.prof when it stops."""
    Path(where).mkdir(parents=True, exist_ok=True)
    return [argv[0], "-m", "bench.refresh.profiled", str(Path(where) / f"{name}.prof"), *argv[1:]]


def wait_sampling(proc: subprocess.Popen[str], pg: PostgresCpu) -> subprocess.CompletedProcess[str]:
    """Wait for `proc`, sampling the PostgreSQL backends' CPU every half second."""
    import threading

    out: dict[str, str] = {}

    def read() -> None:
        out["stdout"], out["stderr"] = proc.communicate()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while reader.is_alive():
        pg.sample()
        reader.join(0.5)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out["stdout"], out["stderr"])


def pending(database_url: str) -> dict:
    """Tasks not finished yet, read with one light query (not a Django process: that would steal the CPU
    the workers are being measured on)."""
    query = (
        "SELECT count(*), count(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED')) "
        "FROM django_tasks_database_dbtaskresult"
    )
    if database_url.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            total, done = db.execute(query).fetchone()
    else:
        import psycopg

        with psycopg.connect(database_url) as conn:
            row = conn.execute(query).fetchone()
            total, done = row if row is not None else (0, 0)
    return {"pending": total - done, "done": done}


def reset_postgres(env: dict[str, str]) -> None:
    code = (
        "from newsdesk.core.bootstrap import ensure_database; ensure_database();"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('TRUNCATE sources_source, articles_article, django_tasks_database_dbtaskresult "
        "RESTART IDENTITY CASCADE')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
