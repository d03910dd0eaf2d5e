"""bench.serve.spy gives each py-spy sample to the innermost frame that names a part, and counts the
stacks that drew the article page's own part instead of using the kept one."""

from __future__ import annotations

from bench.serve.spy import part_of, table, tally

RAW = [
    # a template calling a Django utility: the template's (innermost frame naming a part wins)
    "_worker (concurrent/futures/thread.py:83);WSGIHandler.__call__ (django/core/handlers/wsgi.py:124);"
    "root (article.html:15);Context.call (jinja2/runtime.py:303);"
    "LazyObject.__getattribute__ (django/utils/functional.py:280) 7\n",
    # the view's query
    "_worker (concurrent/futures/thread.py:83);article (newsdesk/web/views/pages.py:99);"
    "Prepared.run (newsdesk/core/prepared.py:130);Cursor.fetchall (psycopg/cursor.py:282) 2\n",
    # the page drawing its own part: the kept part's key did not match
    "_worker (concurrent/futures/thread.py:83);own_part (newsdesk/web/article_page.py:197);"
    "render_html (newsdesk/web/article_page.py:180);root (article_own.html:3) 1\n",
    # the event loop
    "_run_once (asyncio/base_events.py:1922);BaseEventLoop.create_task (asyncio/base_events.py:436) 5\n",
    "not a sample line\n",
]


def test_each_sample_goes_to_the_innermost_part() -> None:
    total, parts, watched = tally(RAW)
    assert total == 15
    assert parts["template render (Jinja2, the frame's and the reader's parts)"] == 7 + 1
    assert parts["database (ORM, driver)"] == 2
    assert parts["event loop, granian, thread pool"] == 5
    assert watched["render_html"] == 1
    assert watched["create_task"] == 5
    assert part_of(["frame (somewhere/else.py:1)"]) == "other"


def test_the_table_gives_shares_and_the_kept_parts_misses() -> None:
    text = table(RAW, "run")
    assert "run (15 samples)" in text
    assert "| event loop, granian, thread pool | 33.3% |" in text
    assert "render_html 6.7%" in text
    assert table([], "empty") == "empty: no samples\n"
