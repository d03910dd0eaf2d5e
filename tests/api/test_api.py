"""The JSON API through Django's test client: shapes, filters, pagination, caching, 404s, OpenAPI."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsdesk.articles.models import Article
from newsdesk.topics.actions import do_set_article_topics, do_sync_topics
from tests.support.newsroom import NOW, make_article, make_source

pytestmark = pytest.mark.django_db
# The stored text: long, with a last sentence that no excerpt or snippet reaches.
SECRET = "The whole stored text goes on at length. " * 20 + "Its final sentence stays private."


@pytest.fixture
def newsroom():
    do_sync_topics([("sport", "Sport", "Matches."), ("weather", "Weather", "Forecasts.")])
    north = make_source(name="North Gazette", language="en")
    south = make_source(name="South Courier")
    a = make_article(
        source=north, title="Harbour regatta", text=SECRET, excerpt="Boats raced…", published=NOW
    )
    b = make_article(source=south, title="Storm on the coast", text=SECRET, published=NOW - timedelta(days=2))
    hidden = make_article(source=north, title="Quarantined regatta", status=Article.Status.QUARANTINED)
    do_set_article_topics({a.pk: ["sport"], b.pk: ["weather"]})
    return {"north": north, "south": south, "a": a, "b": b, "hidden": hidden}


def test_articles_list_newest_first_published_only(client, newsroom):
    response = client.get("/api/articles")
    assert response.status_code == 200
    data = response.json()
    assert [item["id"] for item in data["items"]] == [newsroom["a"].pk, newsroom["b"].pk]
    first = data["items"][0]
    assert first["title"] == "Harbour regatta"
    assert first["url"] == newsroom["a"].url
    assert first["source"] == {"id": newsroom["north"].pk, "name": "North Gazette"}
    assert first["excerpt"] == "Boats raced…"
    assert first["topics"] == ["sport"]
    assert data["has_next"] is False


def test_the_full_text_never_leaves(client, newsroom):
    for url in ("/api/articles", f"/api/articles/{newsroom['a'].pk}", "/api/search?q=regatta"):
        body = client.get(url).content.decode()
        assert "final sentence stays private" not in body, url
        assert '"text"' not in body
        assert "content_html" not in body
    # A search snippet is a few words around the match, never a way to read the text.
    snippet = client.get("/api/search?q=regatta").json()["items"][0]["snippet_html"]
    assert len(snippet.split()) <= 30


def test_article_filters(client, newsroom):
    def ids(query):
        return [item["id"] for item in client.get(f"/api/articles?{query}").json()["items"]]

    assert ids(f"source={newsroom['south'].pk}") == [newsroom["b"].pk]
    assert ids("topic=sport") == [newsroom["a"].pk]
    day = (NOW - timedelta(days=2)).date().isoformat()
    assert ids(f"since={day}&until={day}") == [newsroom["b"].pk]
    assert ids("topic=nothing-here") == []


def test_pagination(client, newsroom):
    first = client.get("/api/articles?page_size=1").json()
    second = client.get("/api/articles?page_size=1&page=2").json()
    assert first["has_next"] is True
    assert second["has_next"] is False
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [newsroom["a"].pk, newsroom["b"].pk]
    assert client.get("/api/articles?page_size=1000").status_code == 422
    assert client.get("/api/articles?page=0").status_code == 422
    assert client.get("/api/articles?since=yesterday").status_code == 422


def test_article_detail_and_404s(client, newsroom):
    response = client.get(f"/api/articles/{newsroom['a'].pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "Harbour regatta"
    assert client.get(f"/api/articles/{newsroom['hidden'].pk}").status_code == 404
    missing = client.get("/api/articles/987654")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"} or "id" in missing.json()["detail"]
    assert client.get("/api/articles/not-a-number").status_code == 422


def test_sources_and_topics(client, newsroom):
    sources = client.get("/api/sources").json()
    assert [s["name"] for s in sources["items"]] == ["North Gazette", "South Courier"]
    assert sources["items"][0]["language"] == "en"
    assert sources["items"][1]["language"] is None
    one = client.get(f"/api/sources/{newsroom['south'].pk}").json()
    assert one["feed_url"] == newsroom["south"].url
    assert "etag" not in one
    assert "last_error" not in one
    assert client.get("/api/sources/424242").status_code == 404
    topics = client.get("/api/topics").json()
    assert {"slug", "name", "description"} == set(topics[0])
    assert "Sport" in [t["name"] for t in topics]
    assert client.get("/api/topics/weather").json()["name"] == "Weather"
    assert client.get("/api/topics/unknown").status_code == 404


def test_search(client, newsroom):
    data = client.get("/api/search?q=regatta").json()
    assert data["total"] == 1
    assert data["items"][0]["article"]["id"] == newsroom["a"].pk
    assert "<mark>" in data["items"][0]["title_html"]
    assert data["problem"] == ""
    empty = client.get("/api/search?q=").json()
    assert empty["items"] == []
    assert empty["problem"]
    absurd = client.get('/api/search?q="AND OR NEAR(').json()
    assert absurd["items"] == []
    assert absurd["problem"]
    filtered = client.get(f"/api/search?q=regatta&source={newsroom['south'].pk}").json()
    assert filtered["total"] == 0


def test_caching_headers_and_304(client, newsroom):
    response = client.get("/api/articles")
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag
    again = client.get("/api/articles", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert "Set-Cookie" not in response
    make_article(source=newsroom["north"], title="Brand new", published=NOW + timedelta(minutes=1))
    changed = client.get("/api/articles", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200


def test_openapi_schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Newsdesk API"
    paths = set(schema["paths"])
    assert {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/sources",
        "/api/topics",
        "/api/search",
    } <= paths
    article = schema["components"]["schemas"]["ArticleOut"]["properties"]
    assert "excerpt" in article
    assert "text" not in article
