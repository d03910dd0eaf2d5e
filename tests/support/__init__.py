"""Reusable test helpers: real servers on loopback, never anything beyond this machine."""

from tests.support.loopback import (
    LoopbackServer,
    Raw,
    Reply,
    SeenRequest,
    bomb,
    compress,
    drip,
    redirect,
    reply,
    zeros_stream,
)

__all__ = [
    "LoopbackServer",
    "Raw",
    "Reply",
    "SeenRequest",
    "bomb",
    "compress",
    "drip",
    "redirect",
    "reply",
    "zeros_stream",
]
