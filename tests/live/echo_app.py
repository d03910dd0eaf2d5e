"""A WSGI app that answers with what it was given, served two ways in test_wsgi_bridge.py: by
granian's own WSGI interface, and by our RSGI bridge (newsdesk.live.server.wsgi)."""

from __future__ import annotations

import json
import threading
import time

from newsdesk.live.server.wsgi import WSGIBridge


def wsgi(environ, start_response):
    keys = {k: v for k, v in environ.items() if isinstance(v, str) and (k.isupper())}
    body = environ["wsgi.input"].read()
    path = environ["PATH_INFO"]
    if path == "/big":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (bytes([n % 256]) * 65536 for n in range(40))  # 2.5 MB, streamed
    if path == "/slow":
        time.sleep(0.5)  # the page thread is busy; meanwhile /hold-loop can block the event loop
    if path == "/raise":
        raise RuntimeError("a page that fails")
    thread = threading.current_thread().name
    start_response(
        "201 Created", [("Content-Type", "application/json"), ("X-Echo", "yes"), ("X-Thread", thread)]
    )
    answer = {"environ": keys, "body": body.decode("latin-1"), "path_bytes": list(path.encode("latin-1"))}
    return [json.dumps(answer).encode()]


def cached(environ, start_response):
    """Like the page cache: answers /cached from memory (on whatever thread asks), nothing else."""
    if environ["PATH_INFO"] != "/cached":
        return None
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Thread", threading.current_thread().name)])
    return [b"from memory"]


wsgi.cached = cached  # type: ignore[attr-defined]
bridge = WSGIBridge(wsgi, threads=2)


async def rsgi(scope, proto):
    """The bridge, plus /hold-loop: blocks the event loop itself for 1.5 s (as a long step on the loop
    would), to show which answers need the loop to be free."""
    if scope.path == "/hold-loop":
        time.sleep(1.5)
        proto.response_bytes(200, [("content-type", "text/plain")], b"held")
        return
    await bridge(scope, proto)
