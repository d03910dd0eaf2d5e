"""The suite cannot reach the network: tests/support/offline.py, in this process and in its children.

192.0.2.1 is TEST-NET-1 (RFC 5737) and `.example.org` names are reserved: neither would be answered
anyway, so nothing here depends on the machine being offline. The guard must refuse before the
socket does anything, which the tests see as a socket that never got a local port.
"""

from __future__ import annotations

import errno
import json
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher
from tests.support.cli import run_cli
from tests.support.offline import NetworkBlocked

REFUSED = "Tests reach only loopback"


def test_the_guard_is_on_for_the_whole_session() -> None:
    assert getattr(socket.socket.connect, "__wrapped__", None) is not None
    assert getattr(socket.getaddrinfo, "__wrapped__", None) is not None


def test_a_connection_beyond_loopback_is_refused_before_any_packet() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(NetworkBlocked, match=r"connecting to 192\.0\.2\.1:80 was refused"):
            sock.connect(("192.0.2.1", 80))
        with pytest.raises(NetworkBlocked, match=r"192\.0\.2\.1:80"):
            sock.connect_ex(("192.0.2.1", 80))
        # A real attempt would have bound an ephemeral port and sent a SYN from it.
        assert sock.getsockname() == ("0.0.0.0", 0)
        with pytest.raises(OSError, match="not connected") as not_connected:
            sock.getpeername()
        assert not_connected.value.errno == errno.ENOTCONN
    with pytest.raises(NetworkBlocked, match=r"connecting to 192\.0\.2\.1:443"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(NetworkBlocked, match=r"connecting to \[2001:db8::1\]:80"):
        socket.create_connection(("2001:db8::1", 80), timeout=1)


def test_udp_beyond_loopback_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(NetworkBlocked, match=r"sending to 192\.0\.2\.1:53"):
            sock.sendto(b"question", ("192.0.2.1", 53))
        with pytest.raises(NetworkBlocked, match=r"sending to 192\.0\.2\.1:53"):
            sock.sendto(b"question", 0, ("192.0.2.1", 53))
        assert sock.getsockname() == ("0.0.0.0", 0)


def test_names_are_not_looked_up() -> None:
    with pytest.raises(NetworkBlocked, match=r"looking up the name 'news\.example\.org'"):
        socket.getaddrinfo("news.example.org", 443)
    with pytest.raises(NetworkBlocked, match=r"news\.example\.org"):
        socket.gethostbyname("news.example.org")
    with pytest.raises(NetworkBlocked, match=r"connecting to news\.example\.org:80"):
        socket.create_connection(("news.example.org", 80), timeout=1)
    with pytest.raises(NetworkBlocked, match=r"news\.example\.org"):
        httpx.get("http://news.example.org/", timeout=1)


def test_the_product_fetcher_meets_the_guard_even_where_its_own_policy_allows() -> None:
    """The test settings let private addresses through the SSRF guard; this guard still refuses."""
    policy = fetch_policy()
    assert policy.allow_private_networks
    with Fetcher(policy) as fetcher:
        with pytest.raises(NetworkBlocked, match=r"192\.0\.2\.1:80"):
            fetcher.fetch("http://192.0.2.1/feed.xml")
        with pytest.raises(NetworkBlocked, match=r"'feeds\.example\.org'"):
            fetcher.fetch("http://feeds.example.org/feed.xml")


@pytest.fixture
def echo_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that sends back what it gets, once per connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(conn.recv(1024))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    thread.join(5)


def _echo(address: tuple[str, int]) -> bytes:
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(b"hello")
        return conn.recv(1024)


def test_loopback_and_unix_sockets_still_work(echo_server: int) -> None:
    assert _echo(("127.0.0.1", echo_server)) == b"hello"
    assert _echo(("localhost", echo_server)) == b"hello"
    assert socket.getaddrinfo("localhost", echo_server, type=socket.SOCK_STREAM)
    assert socket.getaddrinfo("192.0.2.1", 80)  # a numeric address needs no DNS; connecting is refused
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender,
    ):
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        sender.sendto(b"ping", receiver.getsockname())
        assert receiver.recv(16) == b"ping"
    with tempfile.TemporaryDirectory(prefix="nd-") as folder:
        path = str(Path(folder) / "s")
        with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
            server.bind(path)
            server.listen()
            client.connect(path)
            accepted, _ = server.accept()
            with accepted:
                client.sendall(b"unix")
                assert accepted.recv(16) == b"unix"


CHILD = textwrap.dedent(
    """
    import json, socket, sys

    def attempt(action):
        try:
            action()
            return "ok"
        except Exception as error:
            return f"{type(error).__name__}: {error}"

    def echo():
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as conn:
            conn.sendall(b"child")
            assert conn.recv(16) == b"child"

    print(json.dumps({
        "address": attempt(lambda: socket.create_connection(("192.0.2.1", 80), timeout=1)),
        "name": attempt(lambda: socket.getaddrinfo("news.example.org", 443)),
        "loopback": attempt(echo),
    }))
    """
)


def test_python_subprocesses_are_guarded(echo_server: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(echo_server)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(done.stdout)
    assert outcome["address"].startswith(f"NetworkBlocked: {REFUSED}: connecting to 192.0.2.1:80")
    assert outcome["name"].startswith(f"NetworkBlocked: {REFUSED}: looking up the name 'news.example.org'")
    assert outcome["loopback"] == "ok"


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://192.0.2.1/story", "connecting to 192.0.2.1:80 was refused"),
        ("http://news.example.org/story", "looking up the name 'news.example.org' was refused"),
    ],
)
def test_the_newsdesk_command_is_guarded(url: str, refusal: str) -> None:
    """`newsdesk extract URL` fetches with private networks allowed (the CLI's test environment)."""
    done = run_cli("extract", url, timeout=60)
    assert done.returncode != 0
    assert f"NetworkBlocked: {REFUSED}: {refusal}" in done.stderr
