"""`python -m newsdesk_demo`: serve the demo outlets on their own, to look at them in a browser."""

from __future__ import annotations

import argparse
import sys
import threading

from newsdesk_demo.server import DemoError, DemoServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk_demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    parser.add_argument(
        "--drip", type=float, metavar="SECONDS", help="release a held-back story every SECONDS (default: off)"
    )
    args = parser.parse_args(argv)
    try:
        server = DemoServer(args.host, args.port, args.drip).start()
    except DemoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Demo outlets at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    for name, url in server.feeds():
        print(f"  {name}: {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
