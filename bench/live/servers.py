"""Starting the web server arrangements, and reading what they cost (requests/s, CPU, memory)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def granian(interface: str, target: str, port: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "granian", "--interface", interface, "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-ws", "--log-level", "error", "--workers-kill-timeout", "5", *extra, target,
    ]  # fmt: skip


def arrangements(port: int, threads: int, max_streams: int) -> dict[str, list[str]]:
    """What `newsdesk run` could start. The first is the anchor: plain granian WSGI, pages only."""
    from newsdesk.cli.run import web_server_command

    return {
        "granian WSGI (anchor, no stream possible)": granian(
            "wsgi", "config.wsgi:application", port, "--blocking-threads", str(threads)
        ),
        "ours: granian RSGI, stream async + Django WSGI in a thread pool": web_server_command(
            "127.0.0.1", port, max_streams
        ),
        "granian ASGI, everything through Django's ASGI handler": granian(
            "asgi", "config.asgi:application", port
        ),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    argv: list[str]
    env: dict[str, str]
    port: int
    process: subprocess.Popen = field(init=False)

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"server did not start: {' '.join(self.argv)}")

    def __exit__(self, *exc: object) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pids(self) -> list[int]:
        """granian's main process and its worker(s)."""
        found = [self.process.pid]
        for path in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = path.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(path.parent.name))
        return found

    def worker_pid(self) -> int:
        return self.pids()[-1]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / TICKS

    def rss_bytes(self, pid: int | None = None) -> int:
        text = Path(f"/proc/{pid or self.worker_pid()}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", text)
        return int(match.group(1)) * 1024 if match else 0


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk is missing: installing Debian's package (apt-get install wrk)…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed; install it and run again.")
    return found


@dataclass
class Load:
    requests_per_second: float
    cpu_ms_per_request: float
    p99_ms: float


def wrk(server: Server, url: str, seconds: int, connections: int) -> Load:
    before = server.cpu_seconds()
    done = subprocess.run(
        [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "20s", "--latency", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    cpu = server.cpu_seconds() - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", done.stdout).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", done.stdout)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    if "Non-2xx" in done.stdout:
        raise RuntimeError(f"{url} answered errors under load:\n{done.stdout}")
    return Load(rps, 1000 * cpu / max(total, 1), p99_ms)


def median_load(loads: list[Load]) -> Load:
    return Load(
        statistics.median(x.requests_per_second for x in loads),
        statistics.median(x.cpu_ms_per_request for x in loads),
        statistics.median(x.p99_ms for x in loads),
    )


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env
