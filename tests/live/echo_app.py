"""A WSGI app that answers with what it was given, served two ways in test_wsgi_bridge.py: by
granian's own WSGI interface, and by our RSGI bridge (newsdesk.live.server.wsgi)."""

from __future__ import annotations

import json

from newsdesk.live.server.wsgi import WSGIBridge


def wsgi(environ, start_response):
    keys = {k: v for k, v in environ.items() if isinstance(v, str) and (k.isupper())}
    body = environ["wsgi.input"].read()
    path = environ["PATH_INFO"]
    if path == "/big":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (bytes([n % 256]) * 65536 for n in range(40))  # 2.5 MB, streamed
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Echo", "yes")])
    answer = {"environ": keys, "body": body.decode("latin-1"), "path_bytes": list(path.encode("latin-1"))}
    return [json.dumps(answer).encode()]


rsgi = WSGIBridge(wsgi, threads=2)
