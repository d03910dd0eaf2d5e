"""The API's JSON shapes. An article carries its excerpt, never the stored full text."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class SourceOut(Schema):
    id: int
    name: str
    site_url: str | None
    feed_url: str
    icon_url: str | None
    language: str | None


class SourceBrief(Schema):
    id: int
    name: str


class TopicOut(Schema):
    slug: str
    name: str
    description: str


class ArticleOut(Schema):
    id: int
    title: str
    url: str  # the original, on the outlet's site: read the whole story there
    source: SourceBrief
    authors: list[str]
    published: datetime
    updated: datetime | None
    excerpt: str
    language: str | None
    lead_image: str | None
    topics: list[str]
    story: int | None  # the story (one event, every outlet's coverage) the article belongs to


class StoryOut(Schema):
    id: int
    title: str
    articles: list[int]  # oldest first
    sources: list[str]
    first_published: datetime
    last_updated: datetime


class PageInfo(Schema):
    page: int
    page_size: int
    has_next: bool


class ArticlePage(PageInfo):
    items: list[ArticleOut]


class StoryPage(PageInfo):
    items: list[StoryOut]


class SourcePage(PageInfo):
    items: list[SourceOut]


class SearchResult(Schema):
    article: ArticleOut
    score: float
    title_html: str
    snippet_html: str


class SearchOut(Schema):
    query: str
    total: int  # counted up to the newest 1,000 matches, the ones ranked
    more: bool  # more matched than `total`
    page: int
    page_size: int
    has_next: bool
    problem: str
    items: list[SearchResult]


class ErrorOut(Schema):
    detail: str
