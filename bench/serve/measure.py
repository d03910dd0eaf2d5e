"""What `python -m bench.serve.sweep` (and bench.serve.tail, bench.serve.threads) measure with: the web
server started as `newsdesk run` starts it, wrk, the CPU time of a process group, of nginx and of the
PostgreSQL backends serving one database (all from /proc), and the archive's article URLs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from bench.serve.__main__ import free_port, wait_for
from bench.serve.tools import WrkResult, parse_wrk

ROOT = Path(__file__).resolve().parents[2]
ROTATE_LUA = """\
local paths = {}
for line in io.lines("%(list)s") do paths[#paths + 1] = line end
local counter = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * math.floor(#paths / %(threads)d))
  threads = threads + 1
end
function request()
  counter = counter + 1
  local path = paths[(offset + counter) %% #paths + 1]
  return wrk.format("GET", path)
end
"""


def _cpu_seconds(wanted: Callable[[str, list[str]], bool]) -> float:
    """User + system CPU of every process `wanted(pid, stat fields after the name)` picks."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()  # state, ppid, pgrp, ...
        if wanted(entry, fields):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every process in the group (granian's parent and its workers)."""
    return _cpu_seconds(lambda _pid, fields: int(fields[2]) == pgid)


def nginx_cpu_seconds(master: int) -> float:
    """User + system CPU of an nginx master and its workers (their parent is the master)."""
    return _cpu_seconds(lambda pid, fields: int(pid) == master or int(fields[1]) == master)


def database_cpu_seconds(name: str | None) -> float:
    """CPU of the PostgreSQL server processes serving database `name` (their title names it), 0 for
    SQLite (its work is in the web process). The web server's connections are kept open, so their
    backends live through a measurement."""
    if name is None:
        return 0.0

    def serves(pid: str, _fields: list[str]) -> bool:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return title.startswith(b"postgres:") and f" {name} ".encode() in title

    return _cpu_seconds(serves)


def server_command(env: dict[str, str], port: int, workers: int) -> list[str]:
    """The web server's command as `--server-root`'s own `web_server_command` builds it, so that a
    before/after pair compares each checkout's server options too, not only its Python."""
    code = (
        "import json, sys\n"
        "from newsdesk.cli.run import web_server_command\n"
        "print(json.dumps(web_server_command('127.0.0.1', int(sys.argv[1]), 64, int(sys.argv[2]))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(port), str(workers)],
        env=env,
        cwd=env["PYTHONPATH"],
        capture_output=True,
        text=True,
        check=True,
    )
    argv: list[str] = json.loads(done.stdout)
    return argv


class Server:
    def __init__(self, env: dict[str, str], workers: int, page_cache: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = database_name(env)
        argv = server_command(env, self.port, workers)
        self.process = subprocess.Popen(
            argv,
            env={**env, "NEWSDESK_PAGE_CACHE_SECONDS": str(page_cache)},
            cwd=env.get("PYTHONPATH", ROOT),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.base + "/robots.txt")

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far: the web server's processes, and the database server's for this database."""
        return group_cpu_seconds(self.process.pid), database_cpu_seconds(self.database)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wrk(
    url: str, *, connections: int, seconds: int, threads: int = 2, script: Path | None = None
) -> WrkResult:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60)
    return parse_wrk(done.stdout)


def requests_done(result: WrkResult, seconds: int) -> float:
    return result.requests_per_second * seconds


def cpu_per_request(server: Server, path: str, seconds: int) -> tuple[float, float]:
    """Milliseconds of CPU per request: the web server's, and PostgreSQL's (0 on SQLite)."""
    wrk(server.base + path, connections=4, seconds=1, threads=1)  # warm
    web, db = server.cpu()
    result = wrk(server.base + path, connections=4, seconds=seconds, threads=1)
    web_after, db_after = server.cpu()
    done = max(requests_done(result, seconds), 1)
    return (web_after - web) * 1000 / done, (db_after - db) * 1000 / done


def database_name(env: dict[str, str]) -> str | None:
    url = env.get("DATABASE_URL", "")
    return urlsplit(url).path.lstrip("/") or None if url.startswith("postgres") else None


def article_paths(env: dict[str, str]) -> list[str]:
    code = (
        "import django; django.setup()\n"
        "from newsdesk.articles.models import Article\n"
        "from newsdesk.core import links\n"
        "rows = Article.objects.published().order_by('-pk').values_list('pk', 'title')\n"
        "for pk, title in rows.iterator():\n"
        "    print(links.article_path(pk, title))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=env["PYTHONPATH"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def cpu_text(web: float, db: float, requests: float) -> str:
    text = f"{web * 1000 / requests:.1f}"
    return text + (f" + {db * 1000 / requests:.1f}" if db else "")
