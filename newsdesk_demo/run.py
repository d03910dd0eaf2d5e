"""`python -m newsdesk_demo.run`: what `make run` starts. The demo outlets, added as sources, and Newsdesk.

The demo outlets are served from a thread of this process on 127.0.0.1 (`--demo-port`), each is added
as a source if it is not one yet, and then `newsdesk run` takes over this process (the web server and
the worker, as its own children). The outlets name the demo's own WebSub hub, so Newsdesk subscribes
on its first poll, and each drip release is pushed to it within a second. Ctrl-C stops everything.
Newsdesk itself knows nothing of the demo: to it, these are four outlets on loopback, which is why
loopback sources are allowed here.
"""

from __future__ import annotations

import argparse
import os
import sys

from newsdesk_demo.server import DemoError, DemoServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newsdesk_demo.run", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="where Newsdesk listens (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="Newsdesk's port (default 8000)")
    parser.add_argument("--demo-port", type=int, default=8001, help="the demo outlets' port (default 8001)")
    parser.add_argument(
        "--drip",
        type=float,
        default=90,
        metavar="SECONDS",
        help="release a held-back story this often (default 90; 0: never)",
    )
    return parser


def add_demo_sources(server: DemoServer) -> None:
    """Each demo outlet becomes a source, once (a second `make run` finds them there)."""
    from newsdesk.ingest.probe import add_source
    from newsdesk.sources.models import Source

    for name, feed_url in server.feeds():
        if not Source.objects.filter(url=feed_url).exists():
            add_source(feed_url, name=name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The outlets live on loopback, which Newsdesk refuses by default (SSRF); here that is the point.
    os.environ.setdefault("NEWSDESK_ALLOW_PRIVATE_NETWORKS", "1")
    # The demo hub calls Newsdesk back at NEWSDESK_SITE_URL: the address it is served at here.
    host = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("NEWSDESK_SITE_URL", f"http://{host}:{args.port}")
    from newsdesk.cli import main as newsdesk_main
    from newsdesk.cli.common import database
    from newsdesk.core.errors import NewsdeskError

    try:
        database()
        server = DemoServer("127.0.0.1", args.demo_port, args.drip or None).start()
    except (DemoError, NewsdeskError) as error:
        print(f"newsdesk_demo: error: {error}", file=sys.stderr)
        return 1
    try:
        add_demo_sources(server)
        print(f"Demo outlets are being served at {server.base_url}/", flush=True)
        return newsdesk_main(["run", "--host", args.host, "--port", str(args.port)])
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
