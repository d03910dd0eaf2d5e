"""What the hub's direct writes rely on (decision 0028): granian's stream write is not a coroutine, and
bytes written without awaiting reach the reader, in order. If a granian upgrade changes this, the streams
fall back to their queued path by themselves (stream.py); this test says that the fast path is gone."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .helpers import answers, free_port, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_granian_stream_writes_return_at_once_and_arrive_in_order() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "rsgi", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--workers-kill-timeout", "2", "tests.live.write_probe_app:application"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: answers(url), timeout=20)
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert body.splitlines() == ["first", "unawaited 0", "unawaited 1", "unawaited 2", "coroutine=False"]
