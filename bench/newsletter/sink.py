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
    def __init__(self, count: Synchronized) -> None:
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve(port: int, count: Synchronized, ready) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Counter(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.count: Synchronized = multiprocessing.Value("q", 0)
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_serve, args=(self.port, self.count, ready), daemon=True
        )
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the SMTP sink did not start")

    @property
    def received(self) -> int:
        return int(self.count.value)

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)
