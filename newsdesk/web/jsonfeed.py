"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a Django feed generator.

Django's syndication framework builds RSS and Atom; this adds the third format so one Feed class
serves all three.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.feedgenerator import SyndicationFeed, rfc3339_date

VERSION = "https://jsonfeed.org/version/1.1"


class JsonFeed(SyndicationFeed):
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile: Any, encoding: str) -> None:
        """json.dumps(self.as_dict()), with each item's text taken as written when it is (under
        newsdesk.web.feeds.WRITTEN): "items" is the last member, so the head's text ends where they go."""
        from newsdesk.web.feeds import WRITTEN

        head = json.dumps({**self.as_dict(items=False), "items": []}, ensure_ascii=False)
        assert head.endswith("[]}")
        written = [item.get(WRITTEN) or self.written(item) for item in self.items]
        outfile.write((head[:-2] + ", ".join(written) + "]}").encode(encoding))

    def written(self, item: dict[str, Any]) -> str:
        """One item's text in the feed."""
        return json.dumps(self._item(item), ensure_ascii=False)

    def as_dict(self, *, items: bool = True) -> dict[str, Any]:
        feed = self.feed
        data: dict[str, Any] = {
            "version": VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
        }
        if feed.get("language"):
            data["language"] = feed["language"]
        if feed.get("icon"):
            data["icon"] = feed["icon"]
        if items:
            data["items"] = [self._item(item) for item in self.items]
        return data

    def _item(self, item: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["description"],
        }
        for name in ("external_url", "summary", "image", "language"):
            if item.get(name):
                entry[name] = item[name]
        if item["pubdate"]:
            entry["date_published"] = rfc3339_date(item["pubdate"])
        if item["updateddate"]:
            entry["date_modified"] = rfc3339_date(item["updateddate"])
        if item.get("authors"):
            entry["authors"] = [{"name": name} for name in item["authors"]]
        if item["categories"]:
            entry["tags"] = list(item["categories"])
        return entry
