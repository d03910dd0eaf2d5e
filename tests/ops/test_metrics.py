"""/metrics: off without a token, closed without the right one, and the samples of several processes
added up (a `newsdesk fetch` and a `newsdesk newsletter send` subprocess, and this test's own page view)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e import outlets as o
from tests.newsletter.conftest import confirmed_subscriber, make_article
from tests.newsletter.smtp_sink import SMTPSink
from tests.support.cli import run_cli, start_cli
from tests.support.loopback import LoopbackServer

TOKEN = "metrics-token-for-tests"

REQUIRED = {
    "newsdesk_fetches", "newsdesk_fetch_duration_seconds", "newsdesk_articles_stored",
    "newsdesk_tasks_queued",
    "newsdesk_task_duration_seconds", "newsdesk_http_request_duration_seconds", "newsdesk_page_cache_hits",
    "newsdesk_live_streams", "newsdesk_mail_sent", "newsdesk_quarantined",
}  # fmt: skip


@pytest.fixture
def token(settings) -> str:
    settings.NEWSDESK_OPS = {**settings.NEWSDESK_OPS, "METRICS_TOKEN": TOKEN}
    return TOKEN


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_metrics_are_off_without_a_token(settings) -> None:
    settings.NEWSDESK_OPS = {**settings.NEWSDESK_OPS, "METRICS_TOKEN": ""}
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_bearer_token(token: str) -> None:
    client = Client()
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401
    ok = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    assert "no-cache" in ok["Cache-Control"] or "max-age=0" in ok["Cache-Control"]
    names = {family.name for family in text_string_to_metric_families(ok.content.decode())}
    # A histogram by task has samples once a task has run (the cross-process test runs one).
    assert names >= REQUIRED - {"newsdesk_task_duration_seconds"}, REQUIRED - names


@pytest.fixture
def site() -> Iterator[o.Outlets]:
    with LoopbackServer() as server:
        yield o.Outlets(server)


@pytest.mark.django_db(transaction=True)
def test_counters_move_across_processes(token: str, site: o.Outlets, settings) -> None:
    client = Client()
    before = scrape(client)

    # Process 1: a fetch of a real feed on loopback.
    assert run_cli("sources", "add", site.feed_urls()["alder"]).returncode == 0
    fetcher = start_cli("fetch", "--all")
    _out, err = fetcher.communicate(timeout=120)
    assert fetcher.returncode == 0, err

    # Process 2: a digest sent to a real SMTP server.
    from newsdesk.sources.models import Source

    source = Source.objects.get()
    make_article(source, "Harbour lights return to the quay")
    confirmed_subscriber("reader@example.org", sources=[source])
    with SMTPSink() as sink:
        sender = start_cli("newsletter", "send", "--now", EMAIL_URL=f"smtp://127.0.0.1:{sink.port}")
        _out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err
        assert len(sink.messages) == 1

    # This process: a page view, and a background task (run at once by the tests' task backend).
    assert client.get("/").status_code == 200
    from newsdesk.ingest.tasks import refresh_source

    refresh_source.enqueue(source.pk)

    after = scrape(client)
    assert (
        value(after, "newsdesk_fetches_total", outcome="new")
        == value(before, "newsdesk_fetches_total", outcome="new") + 1
    )
    assert (
        value(after, "newsdesk_fetch_duration_seconds_count")
        >= value(before, "newsdesk_fetch_duration_seconds_count") + 1
    )
    stored = value(after, "newsdesk_articles_stored_total", status="published") - value(
        before, "newsdesk_articles_stored_total", status="published"
    )
    assert stored == 3  # the alder feed's three stories (the newsletter's story was made directly)
    assert (
        value(after, "newsdesk_mail_sent_total", result="sent")
        == value(before, "newsdesk_mail_sent_total", result="sent") + 1
    )
    assert (
        value(after, "newsdesk_http_request_duration_seconds_count", route="web:home")
        == value(before, "newsdesk_http_request_duration_seconds_count", route="web:home") + 1
    )

    tasks = [key for key in after if key[0] == "newsdesk_task_duration_seconds_count"]
    assert sum(after[key] - before.get(key, 0.0) for key in tasks) >= 1

    # The two subprocesses have exited: their files were folded into the archive, and nothing of
    # theirs is left under their own pid. (Only theirs are checked: other tests' processes share the
    # directory and may exit at any moment, between the scrape's fold and this look.)
    directory = Path(settings.NEWSDESK_OPS["METRICS_DIR"])
    files = {p.name for p in directory.glob("*.db")}
    assert "counter_archive.db" in files
    pids = {name.rsplit("_", 1)[-1].removesuffix(".db") for name in files}
    assert str(os.getpid()) in pids  # this process's own files stay while it runs
    assert not {str(fetcher.pid), str(sender.pid)} & pids, sorted(files)


def test_the_grafana_dashboard_uses_only_metrics_we_export() -> None:
    import json
    import re

    from newsdesk.core import metrics as _  # noqa: F401 - the definitions

    dashboard = json.loads((Path(__file__).parents[2] / "deploy" / "grafana-newsdesk.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"\bnewsdesk_[a-z_]+", expr)}
    exported = {
        "newsdesk_fetches_total", "newsdesk_fetch_duration_seconds_bucket", "newsdesk_articles_stored_total",
        "newsdesk_quarantined_total", "newsdesk_tasks_queued", "newsdesk_task_duration_seconds_bucket",
        "newsdesk_http_request_duration_seconds_bucket", "newsdesk_http_request_duration_seconds_count",
        "newsdesk_page_cache_hits_total", "newsdesk_page_cache_misses_total", "newsdesk_live_streams",
        "newsdesk_mail_sent_total",
    }  # fmt: skip
    assert used <= exported, used - exported
    assert len(used) >= 10


def _scrape_http(port: int) -> dict:
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_running_site_counts_its_live_readers_and_pages() -> None:
    """`newsdesk run` (granian web process + worker): a scrape of the web server itself sees an open Live
    News stream, and its own page views, and the stream's end."""
    import signal

    from tests.support.cli import start_cli
    from tests.support.net import answers, free_port, wait_for
    from tests.support.sse import SSEClient

    port = free_port()
    process = start_cli("run", "--port", str(port), NEWSDESK_METRICS_TOKEN=TOKEN)
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/")), "the site did not come up"
        before = _scrape_http(port)
        with SSEClient(f"http://127.0.0.1:{port}/live/stream") as stream:
            assert wait_for(lambda: stream.retry_ms is not None, 10)  # the stream's head has arrived
            assert wait_for(lambda: value(_scrape_http(port), "newsdesk_live_streams") == 1, 10)
        assert wait_for(lambda: value(_scrape_http(port), "newsdesk_live_streams") == 0, 20)
        after = _scrape_http(port)
        pages = "newsdesk_http_request_duration_seconds_count"
        assert value(after, pages, route="metrics") > value(before, pages, route="metrics")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)
