"""Our RSGI-to-WSGI bridge gives a WSGI app what granian's own WSGI interface gives it."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import answers, free_port, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CGI = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
       "REMOTE_ADDR", "CONTENT_TYPE", "CONTENT_LENGTH")  # fmt: skip


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    started = {}
    for interface, target in (("wsgi", "tests.live.echo_app:wsgi"), ("rsgi", "tests.live.echo_app:rsgi")):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", interface, "--host", "127.0.0.1", "--port",
             str(port), "--log-level", "error", "--workers-kill-timeout", "2", target],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started[interface] = (process, f"http://127.0.0.1:{port}")
    try:
        for _process, base in started.values():
            assert wait_for(lambda base=base: answers(base + "/ping") or _created(base), timeout=20)
        yield {name: base for name, (_p, base) in started.items()}
    finally:
        for process, _base in started.values():
            process.terminate()
            process.wait(timeout=10)


def _created(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/ping", timeout=2) as response:
            return response.status == 201
    except OSError:
        return False


def _echo(
    base: str, path: str, *, data: bytes | None = None, headers: tuple[tuple[str, str], ...] = ()
) -> dict:
    """One raw request (http.client sends repeated headers as given), the echoed environ back."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("POST" if data is not None else "GET", path, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    if data is not None:
        connection.putheader("Content-Length", str(len(data)))
    connection.endheaders(data)
    response = connection.getresponse()
    assert response.status == 201
    assert response.getheader("X-Echo") == "yes"
    answer = json.loads(response.read())
    connection.close()
    return answer


def _normalised(answer: dict) -> dict:
    environ = answer["environ"]
    picked = {key: environ.get(key) for key in CGI}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            # granian joins repeated headers with "," (cookies with ";"); we add the customary space.
            picked[key] = value.replace("; ", ";").replace(", ", ",")
    port = picked["SERVER_PORT"]
    picked["SERVER_PORT"] = "PORT"
    picked["HTTP_HOST"] = picked["HTTP_HOST"].replace(f":{port}", ":PORT")
    picked["body"] = answer["body"]
    picked["path_bytes"] = answer["path_bytes"]
    return picked


@pytest.mark.parametrize(
    ("path", "data", "headers"),
    [
        ("/plain", None, ()),
        ("/caf%C3%A9/%D8%B1%D8%B5%D9%8A%D9%81/?q=%C3%A9t%C3%A9&x=1&x=2", None, ()),
        ("/a%2Fb/c%20d", None, (("Accept-Language", "fr, en;q=0.5"),)),
        ("/cookies", None, (("Cookie", "a=1"), ("Cookie", "b=2"), ("X-Repeat", "1"), ("X-Repeat", "2"))),
        ("/form", b"name=Ana&note=caf%C3%A9", (("Content-Type", "application/x-www-form-urlencoded"),)),
    ],
)
def test_the_bridge_gives_the_same_environ_as_granian_wsgi(servers, path, data, headers) -> None:
    ours = _normalised(_echo(servers["rsgi"], path, data=data, headers=headers))
    theirs = _normalised(_echo(servers["wsgi"], path, data=data, headers=headers))
    assert ours == theirs


def test_requests_run_in_the_pool_and_memory_hits_on_the_loop(servers) -> None:
    with urllib.request.urlopen(servers["rsgi"] + "/page", timeout=5) as response:
        assert response.headers["X-Thread"].startswith("web")  # Django's work: a pool thread
    with urllib.request.urlopen(servers["rsgi"] + "/cached", timeout=5) as response:
        assert response.read() == b"from memory"
        assert response.headers["X-Thread"] == "MainThread"  # a hit: answered on the event loop


def test_a_large_response_is_streamed_whole(servers) -> None:
    with urllib.request.urlopen(servers["rsgi"] + "/big", timeout=10) as response:
        body = response.read()
    assert len(body) == 40 * 65536
    assert all(body[n * 65536] == n % 256 for n in range(40))


def test_an_oversized_request_body_is_refused(servers) -> None:
    host, port = servers["rsgi"].removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("POST", "/upload")
    connection.putheader("Content-Length", str(64 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def _timed_get(url: str, results: dict[str, float], key: str) -> None:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
    results[key] = time.perf_counter() - started


def test_a_page_thread_sends_its_answer_without_waiting_for_the_event_loop(servers) -> None:
    """A page made in a pool thread leaves as soon as it is made: it does not wait for the event loop
    (busy here for 1.5 s) to resume the request's coroutine."""
    results: dict[str, float] = {}
    page = threading.Thread(target=_timed_get, args=(servers["rsgi"] + "/slow", results, "page"))
    hold = threading.Thread(target=_timed_get, args=(servers["rsgi"] + "/hold-loop", results, "hold"))
    page.start()
    time.sleep(0.15)  # the page is in its thread (0.5 s) when the loop is blocked
    hold.start()
    page.join()
    hold.join()
    assert results["hold"] >= 1.4
    assert results["page"] < 1.0, results  # without the direct send: about 1.5 s


def test_a_failing_page_is_a_500_and_the_pool_keeps_serving(servers) -> None:
    for _ in range(3):
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(servers["rsgi"] + "/raise", timeout=5)
        assert failed.value.code == 500
    assert _echo(servers["rsgi"], "/after-failures")["environ"]["PATH_INFO"] == "/after-failures"


def test_a_client_that_leaves_before_its_page_is_made_leaks_nothing(servers) -> None:
    host, port = servers["rsgi"].removeprefix("http://").split(":")
    for _ in range(4):  # more than the pool's 2 threads
        gone = socket.create_connection((host, int(port)), timeout=5)
        gone.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        gone.close()
    time.sleep(1.2)  # the abandoned pages finish (2 threads, 0.5 s each) and send into closed connections
    started = time.perf_counter()
    assert _echo(servers["rsgi"], "/after-leaving")["environ"]["PATH_INFO"] == "/after-leaving"
    assert time.perf_counter() - started < 3.0  # the pool's threads are free again
