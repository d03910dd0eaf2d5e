"""wrk and nginx: installed through apt-get when missing, nginx configured in a temporary folder."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def server_env(data_dir: str, postgres: str | None, root: str, **extra: str) -> dict[str, str]:
    """The environment a bench's server (or child process) runs in: the generated site's data dir, its
    database (PostgreSQL when given, else the data dir's SQLite), and `root`'s code."""
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "NEWSDESK_SECRET_KEY": "bench-serve-not-secret",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": root,
        **extra,
    }
    env.pop("DATABASE_URL", None)
    if postgres:
        env["DATABASE_URL"] = postgres
    return env


# The Debian package each tool a serve bench runs comes from.
_PACKAGES = {"wrk": "wrk", "nginx": "nginx-light", "ss": "iproute2"}


def ensure_tools(names: tuple[str, ...] = ("wrk", "nginx")) -> None:
    missing = [name for name in names if not (shutil.which(name) or Path(f"/usr/sbin/{name}").exists())]
    if not missing:
        return
    packages = [_PACKAGES[name] for name in missing]
    if os.geteuid() != 0:
        sys.exit(
            f"bench.serve: needs {', '.join(missing)}; install: sudo apt-get install {' '.join(packages)}"
        )
    print(f"Installing {', '.join(packages)} with apt-get…", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        etag on;
    }}
}}
"""


def start_nginx(root: Path, port: int, workers: str = "auto", www: Path | None = None) -> subprocess.Popen:
    """nginx serving `www` (default `root`/www) as static files, with `workers` worker processes ("auto":
    one per core, nginx's own advice and the usual deployment)."""
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    text = NGINX_CONF.format(root=root, port=port, workers=workers)
    if www is not None:
        text = text.replace(f"root {root}/www;", f"root {www};")
    conf.write_text(text)
    return subprocess.Popen([nginx_binary(), "-c", str(conf), "-p", str(root)], stderr=subprocess.DEVNULL)


@dataclass(frozen=True)
class WrkResult:
    """wrk's figures. Its latencies cover completed requests only, so a run with timeouts (wrk gives up
    after 2 s) reports its percentiles as infinite rather than flatter the server."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int = 0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    timeouts = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
        timeouts = int(socket_errors.group(4))
    if timeouts or rps == 0:
        p50, p99 = (p50 if rps else math.inf), math.inf
    return WrkResult(rps, p50, p99, errors, timeouts)


def run_wrk(url: str, *, connections: int, seconds: int, threads: int) -> WrkResult:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return parse_wrk(done.stdout)


def page_wanted(name: str, pages: str) -> bool:
    """Whether `--pages` (names separated by commas) names this page type. A name may hold a comma
    itself ("search, two common words"): it is looked for as a run of whole items."""

    def items(text: str) -> str:
        return "," + ",".join(part.strip() for part in text.split(",")) + ","

    return items(name) in items(pages)
