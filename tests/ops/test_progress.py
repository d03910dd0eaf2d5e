"""Progress bars: on a terminal (a real pty as stderr) the long commands draw one; in a pipe or a log
they stay quiet, and stdout carries only the summary either way."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
from pathlib import Path

import pytest

from tests.ops.seed import seed_site
from tests.support.cli import NEWSDESK, cli_env

pytestmark = pytest.mark.django_db(transaction=True)

OPML = """<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Quay" xmlUrl="http://127.0.0.1:9/quay.xml"/>
<outline text="Moor" xmlUrl="http://127.0.0.1:9/moor.xml"/>
<outline text="Broken" xmlUrl="not a url"/>
</body></opml>"""


def _on_a_terminal(*args: str, **env: str) -> tuple[int, str, str]:
    """Run with stderr on a pty (what a person at a terminal sees) and stdout in a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the pty closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            [*NEWSDESK, *args], env=cli_env(COLUMNS="100", **env), stdout=subprocess.PIPE, stderr=slave,
            stdin=subprocess.DEVNULL, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, done.stdout.decode(), b"".join(chunks).decode(errors="replace")


def _in_a_pipe(*args: str, **env: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [*NEWSDESK, *args], env=cli_env(**env), capture_output=True, text=True, timeout=120, check=False
    )
    return done.returncode, done.stdout, done.stderr


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML)
    return {
        "backup": ["backup", str(tmp_path / "site.backup")],
        "opml": ["opml", "import", str(opml)],
        "topics": ["topics", "rebuild"],
        "fetch": ["fetch", "--all"],
        "digests": ["newsletter", "send", "--now", "--dry-run"],
    }


@pytest.mark.parametrize("name", ["backup", "opml", "topics", "fetch", "digests"])
def test_a_bar_on_a_terminal_and_none_in_a_pipe(name: str, tmp_path: Path) -> None:
    seed_site(articles=8)
    argv = _commands(tmp_path)[name]

    _code, out, err = _on_a_terminal(*argv)
    assert f"{name}:" in err, err  # tqdm's "desc: nn%|████| n/total"
    assert "%|" in err, err
    assert "\r" in err
    assert out.strip()
    assert "%|" not in out

    _code2, out2, err2 = _in_a_pipe(*argv)
    assert "%|" not in err2, err2
    assert "\r" not in err2
    assert out2.strip()
    if name == "topics":
        assert "articles…" in err2  # a log gets a line per batch instead
