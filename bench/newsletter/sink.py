"""An SMTP sink on loopback (aiosmtpd), in its own process as a real mail server would be: it accepts
every message and counts them."""

from __future__ import annotations

import multiprocessing
import socket
import time
from multiprocessing.sharedctypes import Synchronized


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Counter:
    """Counts messages, and messages to a recipient who already had one (a double send)."""

    def __init__(self, count: Synchronized, doubles: Synchronized) -> None:
        self.count = count
        self.doubles = doubles
        self.seen: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        for address in envelope.rcpt_tos:
            if address in self.seen:
                with self.doubles.get_lock():
                    self.doubles.value += 1
            self.seen.add(address)
        return "250 OK"


def _serve(port: int, count: Synchronized, doubles: Synchronized, ready) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Counter(count, doubles), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.count: Synchronized = multiprocessing.Value("q", 0)
        self.doubles: Synchronized = multiprocessing.Value("q", 0)
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_serve, args=(self.port, self.count, self.doubles, ready), daemon=True
        )
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the SMTP sink did not start")

    @property
    def received(self) -> int:
        return int(self.count.value)

    @property
    def doubled(self) -> int:
        """Messages to an address that had already received one (across every run so far)."""
        return int(self.doubles.value)

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)
