"""Newsdesk as operators run it at scale, on loopback: `newsdesk web` processes behind nginx (the
locations of deploy/nginx/newsdesk-proxy.conf as they ship), `newsdesk worker`s on RQ, `newsdesk
scheduler`s, PostgreSQL (the test database) and Redis (a database of the machine's server that only
these tests use, or a private redis-server on a free port)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import redis

from newsdesk.sources.models import Source
from tests.support.cli import NEWSDESK, cli_env
from tests.support.net import answers, free_port, wait_for
from tests.support.sse import SSEClient, SSEEvent

from .farm import Farm

REPO = Path(__file__).resolve().parents[2]
PROXY_CONF = REPO / "deploy" / "nginx" / "newsdesk-proxy.conf"
# The machine's Redis: database 10, used by these tests only (flushed at the start of each).
SHARED_REDIS = os.environ.get("NEWSDESK_TEST_SCALE_REDIS", "redis://127.0.0.1:6379/10")


class Proc:
    """One command in its own process group, its output in a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            argv, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Signal the whole group (granian's worker processes) and every descendant (RQ's work-horse
        starts a session of its own)."""
        family = descendants(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.kill(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.log.close()


def descendants(root: int) -> list[int]:
    """The processes below `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may kill and start again (empty)."""

    def __init__(self, logdir: Path) -> None:
        self.port = free_port()
        self.logdir = logdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.logdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        assert wait_for(lambda: _pings(client), timeout=10), "redis-server did not start"

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class Cluster:
    def __init__(self, *, private_redis: bool = False, **env: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="newsdesk-scale-"))
        self.private_redis: PrivateRedis | None = None
        if private_redis:
            self.private_redis = PrivateRedis(self.dir)
            redis_url = self.private_redis.url
        else:
            redis_url = SHARED_REDIS
            redis.Redis.from_url(redis_url).flushdb()
        self.redis_url = redis_url
        tag = uuid.uuid4().hex[:8]
        settings = {
            "NEWSDESK_REDIS_URL": redis_url,
            "NEWSDESK_TASK_BACKEND": "rq",
            "NEWSDESK_SCHEDULER_TICK": "1",
            "NEWSDESK_LEASE_SECONDS": "6",
            "NEWSDESK_HEARTBEAT_SECONDS": "1",
            "NEWSDESK_QUEUED_STALE_SECONDS": "10",
            "NEWSDESK_WORKER_POLL_MS": "100",
            "NEWSDESK_LIVE_MAX_AGE_HOURS": "0",
            "NEWSDESK_LIVE_POLL_MS": "250",
            "NEWSDESK_LIVE_CHANNEL_PREFIX": f"scale-{tag}",
            "NEWSDESK_CACHE_PREFIX": f"scale-{tag}",
            "NEWSDESK_WEBSUB": "0",
            # These tests count every article's own Live News headline and every refresh job in RQ's
            # registries: no grouping into stories (which announces a story once) and no image fetches
            # queued beside the refreshes.
            "NEWSDESK_STORIES": "0",
            "NEWSDESK_IMAGE_PREFETCH": "0",
            "NEWSDESK_LOG_LEVEL": "INFO",
        }
        self.env = cli_env(**{**settings, **env})
        self.procs: list[Proc] = []
        self.webs: list[tuple[Proc, int]] = []
        self.nginx: subprocess.Popen[bytes] | None = None
        self.nginx_port = 0
        self._serial = 0

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self, role: str, *args: str) -> Proc:
        self._serial += 1
        proc = Proc(f"{role}-{self._serial}", [*NEWSDESK, role, *args], self.env, self.dir)
        self.procs.append(proc)
        return proc

    def web(self, processes: int = 1) -> tuple[Proc, int]:
        port = free_port()
        proc = self._start("web", "--port", str(port), "--processes", str(processes))
        self.webs.append((proc, port))
        return proc, port

    def worker(self, threads: int = 1) -> Proc:
        return self._start("worker", *(("--threads", str(threads)) if threads > 1 else ()))

    def scheduler(self) -> Proc:
        return self._start("scheduler")

    def wait_for_webs(self) -> None:
        for proc, port in self.webs:
            if not wait_for(lambda port=port: answers(f"http://127.0.0.1:{port}/healthz"), timeout=60):
                raise AssertionError(f"{proc.name} did not come up:\n{proc.output()}")

    def start_nginx(self) -> str:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        assert Path(nginx).exists(), "nginx is missing: run `make nginx`"
        self.nginx_port = free_port()
        root = self.dir / "nginx"
        # nginx's workers drop to an unprivileged user: they must reach their temporary and cache folders.
        self.dir.chmod(0o755)
        for folder in ("tmp", "cache"):
            (root / folder).mkdir(parents=True)
            (root / folder).chmod(0o777)
        servers = "".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for _, port in self.webs)
        (root / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
    upstream newsdesk_web {{ {servers} keepalive 8; }}
    proxy_cache_path {root}/cache levels=1:2 keys_zone=newsdesk_pages:1m max_size=10m inactive=1m;
    server {{
        listen 127.0.0.1:{self.nginx_port};
        include {PROXY_CONF};
    }}
}}
""")
        self.nginx = subprocess.Popen(
            [nginx, "-c", str(root / "nginx.conf"), "-p", str(root)], stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{self.nginx_port}"
        assert wait_for(lambda: answers(base + "/healthz"), timeout=20), (root / "error.log").read_text()
        return base

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.nginx.wait(timeout=10)
        for proc in self.procs:
            proc.stop()
        if self.private_redis is not None:
            self.private_redis.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self) -> str:
        return "\n".join(f"==== {p.name}\n{p.output()[-3000:]}" for p in self.procs)


def add_sources(farm: Farm) -> list[int]:
    """Every outlet of the farm as a source, due now."""
    Source.objects.bulk_create(
        Source(url=farm.feed_url(o), name=f"Farm outlet {o}", next_check_at=time_now()) for o in farm.items
    )
    return list(Source.objects.order_by("pk").values_list("pk", flat=True))


def time_now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def wait_until(
    predicate: Callable[[], object], timeout: float, what: str, cluster: Cluster | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{cluster.logs()}" if cluster else ""))


def drain(reader: SSEClient, expected: int, timeout: float) -> list[SSEEvent]:
    """The reader's events until `expected` came (or `timeout`), and any that follow within a second."""
    got: list[SSEEvent] = []
    deadline = time.monotonic() + timeout
    while len(got) < expected and (left := deadline - time.monotonic()) > 0:
        try:
            got.append(reader.next_event(timeout=left))
        except TimeoutError:
            break
    return got + reader.events_within(1.0)
