"""`python -m newsdesk_demo` starts the server, and a bad option is one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.support.net import free_port


def test_module_serves_until_interrupted() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk_demo", "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.strip() == f"Demo outlets at http://127.0.0.1:{port}/ (Ctrl-C to stop)"
        deadline = time.monotonic() + 10
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/courier/feed.xml").status_code == 200
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_bad_drip_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk_demo", "--port", "0", "--drip", "-1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr == "error: The drip interval must be a positive number of seconds, not -1.0.\n"
