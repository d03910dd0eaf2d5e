"""A loopback farm of many feeds, served by one asyncio process (the standard library only).

`python -m bench.refresh.farm --feeds 10000 --sites 50 --fresh 0.1 --page-delay 0.05` listens on
127.0.1.1 ... 127.0.1.<sites> (one port each: loopback addresses, so the fetcher's per-host limit sees
separate sites) and prints one JSON line: the (host, port) of each site. Feed i lives on site i % sites:
- `/feed/<i>.xml` answers 304 to `If-None-Match: "v0"` (the copy the database already holds) unless the
  feed is fresh: every 1/fresh-th feed has one to three new items (ETag "v1"); "v1" is answered 304 too;
- `/story/<i>/<k>` is an article page, after `page-delay` seconds;
- `/robots.txt` allows everything.
A feed with `--items N` (the page benchmark) has N items and no validators at all. Our own words.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys

WORDS = [
    "harbour",
    "lantern",
    "ferry",
    "orchard",
    "council",
    "library",
    "meadow",
    "bridge",
    "market",
    "lighthouse",
    "quarry",
    "mill",
    "valley",
    "signal",
    "timber",
    "granary",
    "tram",
    "canal",
    "bakery",
    "workshop",
    "school",
    "choir",
    "budget",
    "repairs",
    "festival",
    "clinic",
]


def is_fresh(i: int, fresh: float) -> bool:
    return fresh > 0 and i % max(1, round(1 / fresh)) == 0


def new_items(i: int) -> int:
    return 1 + i % 3


def page(i: int, k: int) -> bytes:
    rng = random.Random(i * 1000 + k)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + ".</p>" for _ in range(6)
    )
    return (
        f"<!doctype html><html><head><title>Story {i}-{k}</title></head><body><nav>Home News</nav>"
        f"<article><h1>Story {k} of feed {i}</h1>{paragraphs}</article><footer>Farm</footer></body></html>"
    ).encode()


def feed(i: int, base: str, items: int) -> bytes:
    body = "".join(
        f"<item><title>Story {k} of feed {i}</title><link>{base}/story/{i}/{k}</link>"
        f"<guid>{base}/story/{i}/{k}</guid><description>Summary of story {k} of feed {i}.</description>"
        "</item>"
        for k in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {i}</title>'
        f"<link>{base}/</link>{body}</channel></rss>"
    ).encode()


class Farm:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.served = {"304": 0, "feeds": 0, "pages": 0}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = writer.get_extra_info("sockname")[:2]
        base = f"http://{host}:{port}"
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                status, body, extra = await self.answer(path, headers, base)
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                head_out = f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
                writer.write(head_out.encode() + body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def answer(self, path: str, headers: dict[str, str], base: str) -> tuple[int, bytes, str]:
        args = self.args
        if path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n", "Content-Type: text/plain\r\n"
        parts = path.strip("/").split("/")
        if parts[0] == "feed":
            i = int(parts[1].removesuffix(".xml"))
            rss = "Content-Type: application/rss+xml\r\n"
            if args.items:
                self.served["feeds"] += 1
                return 200, feed(i, base, args.items), rss
            if not is_fresh(i, args.fresh) or headers.get("if-none-match") == '"v1"':
                self.served["304"] += 1
                return 304, b"", 'ETag: "v1"\r\n' if is_fresh(i, args.fresh) else 'ETag: "v0"\r\n'
            self.served["feeds"] += 1
            return 200, feed(i, base, new_items(i)), rss + 'ETag: "v1"\r\n'
        if parts[0] == "story":
            await asyncio.sleep(args.page_delay)
            self.served["pages"] += 1
            return 200, page(int(parts[1]), int(parts[2])), "Content-Type: text/html; charset=utf-8\r\n"
        return 404, b"no such page", "Content-Type: text/plain\r\n"


async def main(args: argparse.Namespace) -> None:
    farm = Farm(args)
    sites = []
    servers = []
    for n in range(args.sites):
        host = f"127.0.1.{n + 1}"
        server = await asyncio.start_server(farm.handle, host, 0, backlog=1024)
        servers.append(server)
        sites.append((host, server.sockets[0].getsockname()[1]))
    print(json.dumps({"sites": sites}), flush=True)
    # Stops when its parent closes stdin; prints what it served.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(json.dumps(farm.served), flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.refresh.farm")
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--fresh", type=float, default=0.1)
    parser.add_argument("--items", type=int, default=0)
    parser.add_argument("--page-delay", type=float, default=0.05)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
