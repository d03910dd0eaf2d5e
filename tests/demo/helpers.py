"""Small readers for the tests: feed entries, page metadata, links."""

from __future__ import annotations

import json
from typing import Any

import feedparser
import httpx
import lxml.html

from newsdesk_demo.content import Outlet


def entries(client: httpx.Client, outlet: Outlet) -> list[dict[str, Any]]:
    """The outlet's feed items as (url, title, published) dicts, whatever the format."""
    body = client.get(outlet.feed_path).content
    if outlet.feed == "json":
        return [
            {"link": i["url"], "title": i["title"], "published": i["date_published"], "id": i["id"]}
            for i in json.loads(body)["items"]
        ]
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [{"link": e.link, "title": e.title, "published": e.published, "id": e.id} for e in parsed.entries]


def page(client: httpx.Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.text)


def meta(doc: lxml.html.HtmlElement, prop: str) -> str | None:
    found = doc.xpath(f'//meta[@property="{prop}" or @name="{prop}"]/@content')
    return found[0] if found else None


def canonical(doc: lxml.html.HtmlElement) -> str:
    return str(doc.xpath('//link[@rel="canonical"]/@href')[0])


def text(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.text_content().split())
