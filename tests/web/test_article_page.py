"""The article page's own part, rendered when the article is written (newsdesk/web/article_page.py).

The page with its kept part is byte for byte the page rendered afresh, for stories with and without each
optional part; the kept part is used (one query); anything that changes what it shows makes the page show
the change at once, whether an action renders the part again or the key stops matching; an operator's
template override takes effect; a GET never writes; nothing per reader is kept.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import Article, ArticlePage
from newsdesk.cli import main as cli_main
from newsdesk.core import figures, links
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.actions import do_set_article_topics
from newsdesk.topics.models import Topic
from newsdesk.web import article_page
from tests.support.cli import run_cli
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _get(article: Article, client: Client | None = None, **headers: str) -> tuple[int, str, int]:
    client = client or Client()
    client.get(links.article_path(article.pk, article.title), headers=headers)  # remembered figures, warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(links.article_path(article.pk, article.title), headers=headers)
    return response.status_code, response.content.decode(), len(queries)


def _varied() -> list[Article]:
    """Stories with and without each optional part the own part shows."""
    now = timezone.now()
    plain = make_source("Plain Post", site_url="", icon_url="")
    iconed = make_source("Quay & Harbour <News>", icon_url="https://quay.example/icon.png")
    for slug, name in (("ferries", "Ferries"), ("storms", "Storms & Gales")):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    stories = [
        make_article(plain, title="A short notice", authors=[], excerpt="", text=""),
        make_article(plain, title="Text only", excerpt="", text="Only the text says this much, and more."),
        make_article(
            iconed,
            title="Ferry <b>timetable</b> & the “winter” <!--part--> plan",
            authors=["Nell Ferris", "Tomas Quay"],
            updated=now - timedelta(minutes=5),
            lead_image="https://quay.example/ferry.jpg",
            language="en-GB",
            excerpt="The island ferry runs twice a day from November <script>x</script>.",
        ),
        make_article(iconed, title="Storm warning", lead_image="not a web address", language="de"),
        make_article(plain, title="Links elsewhere", url="urn:x:1", link="https://plain.example/elsewhere"),
        make_article(iconed, title="مقالة بالعربية", language="ar", authors=["One Writer"]),
    ]
    do_set_article_topics({stories[2].pk: ["ferries", "storms"], stories[3].pk: ["storms"]})
    story = Story.objects.create(
        title="Ferry", first_published=now, last_updated=now, article_count=3, source_count=3
    )
    StoryMember.objects.create(article=stories[2], story=story)
    return stories


def test_the_kept_part_gives_the_same_bytes_as_a_fresh_render_and_one_query() -> None:
    stories = _varied()
    fresh = {}
    for article in stories:
        status, html, queries = _get(article)
        assert status == 200
        assert queries == 2  # no kept part: the story's other columns are read to render it
        fresh[article.pk] = html
    assert not ArticlePage.objects.exists()  # a GET writes nothing
    assert article_page.fill([a.pk for a in stories]) == len(stories)
    for article in stories:
        status, html, queries = _get(article)
        assert (status, queries) == (200, 1)
        assert html == fresh[article.pk]
    marked = _get(stories[2])[1]
    assert "Ferry &lt;b&gt;timetable&lt;/b&gt; &amp; the “winter” &lt;!--part--&gt; plan" in marked
    assert "By Nell Ferris and Tomas Quay" in marked
    assert "Full coverage: 3 outlets" in marked
    assert 'content="Storms &amp; Gales"' in marked


def test_a_kept_part_with_another_key_is_never_shown() -> None:
    article = make_article(title="The real headline")
    ArticlePage.of(article.pk, "0" * 32, "<!--part-->" * 4 + "A stale headline").save()
    status, html, queries = _get(article)
    assert status == 200
    assert queries == 2
    assert "The real headline" in html
    assert "A stale headline" not in html


def test_a_renamed_source_or_topic_or_a_new_topic_shows_at_once_and_render_pages_catches_up(capsys) -> None:
    Topic.objects.get_or_create(slug="transport", defaults={"name": "Transport"})
    source = make_source("Old Name Gazette")
    article = make_article(source, title="Bridge reopens")
    do_set_article_topics({article.pk: ["transport"]})
    article_page.fill([article.pk])
    assert _get(article)[2] == 1
    source.name = "New Name Gazette"
    source.save()
    _, html, queries = _get(article)
    shown = html.split("</article>")[0]  # the story itself, and its head (the newsletter box is not ours)
    assert "New Name Gazette" in shown
    assert "Old Name Gazette" not in shown
    assert queries == 2
    Topic.objects.filter(slug="transport").update(name="Roads and Rails")
    figures.forget()  # the remembered topics' few seconds, passed
    shown = _get(article)[1].split("</article>")[0]
    assert "Roads and Rails" in shown
    assert ">Transport<" not in shown
    assert 'content="Transport"' not in shown
    Topic.objects.get_or_create(slug="gales", defaults={"name": "Gales"})
    do_set_article_topics({article.pk: ["transport", "gales"]})
    figures.forget()
    assert 'content="Gales"' in _get(article)[1]
    assert cli_main(["render-pages"]) == 0
    assert "rendered 1 page part(s)" in capsys.readouterr().out
    _status, html, queries = _get(article)
    assert queries == 1
    assert "New Name Gazette" in html
    assert "Roads and Rails" in html
    assert cli_main(["render-pages"]) == 0
    assert "rendered 0 page part(s)" in capsys.readouterr().out


def test_an_operators_template_override_takes_effect(settings, tmp_path: Path) -> None:
    article = make_article(title="Council meets")
    article_page.fill([article.pk])
    assert "Operator's own kicker" not in _get(article)[1]
    own = Path(django_settings.BASE_DIR, "newsdesk/web/jinja2", article_page.TEMPLATE).read_text()
    (tmp_path / "web/partials").mkdir(parents=True)
    (tmp_path / "web/partials/article_own.html").write_text(
        own.replace(
            '<header class="article__header">', '<header class="article__header">Operator\'s own kicker'
        )
    )
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path]} for engine in django_settings.TEMPLATES]
    _status, html, queries = _get(article)
    assert "Operator&#39;s own kicker" in html or "Operator's own kicker" in html
    assert queries == 2  # the kept part was drawn from other templates
    article_page.fill([article.pk])
    again = _get(article)
    assert again[2] == 1
    assert again[1] == html


def test_nothing_per_reader_is_kept() -> None:
    article = make_article(title="Harbour festival")
    article_page.fill([article.pk])
    kept = ArticlePage.objects.get(article=article).html
    for part in ("newsletter", "consent", "cookie", "csrf", "data-relative", "More like this", "site-footer"):
        assert part not in kept, part
    reader = Client()
    reader.cookies["newsdesk_consent"] = "analytics=1"
    status, _html, _queries = _get(article, reader, **{"Accept-Language": "de"})
    assert status == 200
    assert ArticlePage.objects.get(article=article).html == kept  # a reader's view writes nothing
    assert ArticlePage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parts_rendered_by_a_process_with_other_operating_settings_are_the_webs() -> None:
    # The worker that renders on commit, an operator's `newsdesk render-pages` and the web process may be
    # started with different page cache, thread and figure settings: none of those is in the part, so the
    # key must not hold them, or no kept part would ever be used.
    article = make_article(title="Harbour lights relit")
    ArticlePage.objects.all().delete()
    done = run_cli(
        "render-pages",
        NEWSDESK_PAGE_CACHE_SECONDS="30",
        NEWSDESK_WEB_THREADS="2",
        NEWSDESK_FIGURES_SECONDS="9",
        NEWSDESK_CARD_CACHE_ENTRIES="7",
    )
    assert done.returncode == 0, done.stderr
    assert "rendered 1 page part(s)" in done.stdout
    assert _get(article)[2] == 1  # read from the kept part, under the web's own key


def test_dropping_the_full_text_takes_the_kept_part_along_in_the_same_step() -> None:
    # Retention renders the part again after the drop; should that never happen (a crash between the
    # two), the page must not go on showing an excerpt cut from the text that is gone.
    from newsdesk.articles.actions import do_drop_full_text

    article = make_article(
        title="Pier repairs", excerpt="", text="The pier's old planks were replaced by oak."
    )
    article_page.fill([article.pk])
    assert "old planks were replaced" in _get(article)[1]
    do_drop_full_text([article.pk])
    assert not ArticlePage.objects.filter(article_id=article.pk).exists()
    html = _get(article)[1]
    assert "old planks were replaced" not in html
    assert "The outlet published no summary of this story." in html


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda own: own.replace("<!--part-->", "", 1), "must mark its four parts"),
        (lambda own: own.replace("{% endif %}", "", 1), "Cannot render"),
    ],
)
def test_render_pages_with_a_broken_override_says_so_in_one_line(
    settings, tmp_path: Path, capsys, change, words
):
    make_article(title="Ferry timetable")
    own = Path(django_settings.BASE_DIR, "newsdesk/web/jinja2", article_page.TEMPLATE).read_text()
    (tmp_path / "web/partials").mkdir(parents=True)
    (tmp_path / "web/partials/article_own.html").write_text(change(own))
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path]} for engine in django_settings.TEMPLATES]
    assert cli_main(["render-pages"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Cannot render the article pages' parts" in err
    assert words in err
    assert "Traceback" not in err
    assert not ArticlePage.objects.exists()
