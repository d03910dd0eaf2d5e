"""A slow or hostile outlet cannot stall the site through its images.

One deadline covers the wait for a turn at the outlet; image fetches never take every web thread; an
outlet that keeps failing gets no requests for a while (its images get the placeholder at once); and a
stored story's image is fetched in the background, before any reader asks for it. The image folder is
bounded (`prune_images`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client

from newsdesk.articles.actions import do_store_article
from newsdesk.articles.models import Article
from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.types import ArticleDraft, FetchError
from newsdesk.web import image_store, images
from tests.support.loopback import LoopbackServer, Reply, reply
from tests.support.newsroom import make_article, make_source

from .test_images import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlet() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("/photo.png", reply(png(32, 18), "image/png"))
        server.route("/slow.png", Reply(200, png(8, 8), (("Content-Type", "image/png"),), delay=1.5))
        for n in range(4):
            server.route(f"/broken{n}.png", Reply(503, b"down", (("Content-Type", "text/plain"),)))
        yield server


@pytest.fixture
def client(settings, tmp_path: Path) -> Client:
    settings.DATA_DIR = tmp_path
    return Client()


def _site(settings, **values: object) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, **values}


def _wait_for(condition, seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the condition never came true"
        time.sleep(0.02)


def test_the_wait_for_a_turn_at_the_host_counts_against_the_deadline(outlet: LoopbackServer) -> None:
    policy = FetchPolicy(per_host_concurrency=1, total_timeout=5.0, allow_private_networks=True)
    with Fetcher(policy) as fetcher:
        holder = threading.Thread(target=fetcher.fetch, args=(outlet.url("/slow.png"),))
        holder.start()
        _wait_for(lambda: "/slow.png" in outlet.paths)
        with pytest.raises(FetchError, match="busy"):
            fetcher.fetch(outlet.url("/photo.png"), deadline=time.monotonic() + 0.3)
        assert "/photo.png" not in outlet.paths  # it gave up before its turn came
        holder.join()
        # With time left, the next fetch gets its turn.
        assert fetcher.fetch(outlet.url("/photo.png"), deadline=time.monotonic() + 3).status == 200


def test_image_fetches_never_take_every_web_thread(client, settings, outlet: LoopbackServer) -> None:
    _site(settings, IMAGE_FETCHES=1, IMAGE_TIMEOUT=4)
    busy = threading.Thread(target=image_store.fetch_image, args=(outlet.url("/slow.png"),))
    busy.start()
    try:
        _wait_for(lambda: "/slow.png" in outlet.paths)
        article = make_article(lead_image=outlet.url("/photo.png"))
        response = client.get(images.article_image_path(article))
        assert response.status_code == 404  # the placeholder, at once
        assert response["Cache-Control"] == "no-store"  # asked again on the next view
        assert "/photo.png" not in outlet.paths
    finally:
        busy.join()
    response = client.get(images.article_image_path(article))
    assert response.status_code == 200
    assert outlet.paths.count("/photo.png") == 1


def test_a_failing_outlet_rests_and_its_images_get_the_placeholder_at_once(
    client, settings, outlet: LoopbackServer
) -> None:
    _site(settings, IMAGE_HOST_FAILURES=2, IMAGE_HOST_COOLOFF=60)
    for n in range(2):
        article = make_article(lead_image=outlet.url(f"/broken{n}.png"))
        assert client.get(images.article_image_path(article)).status_code == 404
    assert outlet.paths == ["/broken0.png", "/broken1.png"]
    healthy_looking = make_article(lead_image=outlet.url("/photo.png"))
    icon_source = make_source("Resting Herald", icon_url=outlet.url("/broken3.png"))
    response = client.get(images.article_image_path(healthy_looking))
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    icon = client.get(images.source_icon_path(icon_source))
    assert icon["Content-Type"] == "image/svg+xml"  # the monogram
    assert outlet.paths == ["/broken0.png", "/broken1.png"]  # not one more request while it rests


def test_a_missing_image_does_not_make_its_outlet_rest(client, settings, outlet: LoopbackServer) -> None:
    _site(settings, IMAGE_HOST_FAILURES=2)
    for n in range(3):
        article = make_article(lead_image=outlet.url(f"/gone{n}.png"))  # 404s: only these are missing
        assert client.get(images.article_image_path(article)).status_code == 404
    article = make_article(lead_image=outlet.url("/photo.png"))
    assert client.get(images.article_image_path(article)).status_code == 200


def test_a_stored_storys_image_is_fetched_before_anyone_reads_it(
    client, settings, outlet: LoopbackServer, django_capture_on_commit_callbacks
) -> None:
    _site(settings, IMAGE_PREFETCH=True)
    source = make_source("Prefetch Post")
    draft = ArticleDraft(
        source_id=source.pk,
        url=f"{source.site_url}story/prefetch",
        link=f"{source.site_url}story/prefetch",
        guid="prefetch-1",
        fingerprint="prefetch",
        content_hash="prefetch",
        title="A story with a picture",
        published=datetime(2026, 1, 2, tzinfo=UTC),
        lead_image=outlet.url("/photo.png"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _stored, article_id = do_store_article(draft)
    assert outlet.paths == ["/photo.png"]  # fetched by the task, on commit
    assert article_id is not None
    article = Article.objects.get(pk=article_id)
    response = client.get(images.article_image_path(article))
    assert response.status_code == 200
    assert outlet.paths == ["/photo.png"]  # the reader's request did not reach the outlet


def test_a_story_stored_without_a_lead_image_queues_no_image_fetch(
    settings, outlet: LoopbackServer, django_capture_on_commit_callbacks
) -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    _site(settings, IMAGE_PREFETCH=True)
    source = make_source("Plain Post")
    queued = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=queued), django_capture_on_commit_callbacks(execute=True):
        for n, image in enumerate(["", outlet.url("/photo.png")]):
            do_store_article(
                ArticleDraft(
                    source_id=source.pk, url=f"{source.site_url}story/{n}",
                    link=f"{source.site_url}story/{n}",
                    guid=f"plain-{n}", fingerprint=f"plain-{n}", content_hash=f"plain-{n}",
                    title=f"Story number {n}", published=datetime(2026, 1, 2, tzinfo=UTC), lead_image=image,
                )
            )  # fmt: skip
    queued_for = [
        row.args_kwargs["args"]
        for row in DBTaskResult.objects.all()
        if "fetch_article_image" in row.task_path
    ]
    with_image = Article.objects.get(guid="plain-1").pk
    assert queued_for == [[with_image]]
    assert outlet.paths == []  # queued, not run


def _copy(root: Path, key: str, size: int, read_at: float) -> Path:
    path = root / key[:2] / f"{key}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (read_at, read_at))
    return path


def test_pruning_removes_the_copies_read_longest_ago(tmp_path: Path) -> None:
    now = time.time()
    old = _copy(tmp_path, "aa11", 400, now - 3000)
    middle = _copy(tmp_path, "bb22", 400, now - 2000)
    recent = _copy(tmp_path, "cc33", 400, now - 1000)
    leftover = tmp_path / "cc" / ".part-dead"
    leftover.write_bytes(b"y" * 10)
    os.utime(leftover, (now - 7200, now - 7200))
    writing = tmp_path / "cc" / ".part-live"
    writing.write_bytes(b"z" * 10)
    removed, freed = image_store.prune_images(900, root=tmp_path, now=now)
    assert (removed, freed) == (2, 410)
    assert not old.exists()
    assert not leftover.exists()
    assert middle.exists()
    assert recent.exists()
    assert writing.exists()
    assert image_store.prune_images(900, root=tmp_path, now=now) == (0, 0)
    assert image_store.prune_images(0, root=tmp_path / "none", now=now) == (0, 0)


def test_serving_a_copy_marks_it_read(client, outlet: LoopbackServer, settings, tmp_path: Path) -> None:
    article = make_article(lead_image=outlet.url("/photo.png"))
    path = images.article_image_path(article)
    assert client.get(path).status_code == 200
    stored = image_store.default_store().get(images.url_key(outlet.url("/photo.png")))
    assert stored is not None
    long_ago = time.time() - 10 * 24 * 3600
    os.utime(stored.path, (long_ago, stored.mtime))
    other = _copy(tmp_path / "images", "dd44", stored.size, time.time() - 5 * 24 * 3600)
    assert client.get(path).status_code == 200  # read again: now the newest
    assert image_store.prune_images(stored.size, root=tmp_path / "images") == (1, stored.size)
    assert stored.path.exists()
    assert not other.exists()


def test_pruning_tolerates_files_removed_by_another_process(tmp_path: Path, monkeypatch) -> None:
    now = time.time()
    first = _copy(tmp_path, "ee55", 100, now - 300)
    _copy(tmp_path, "ff66", 100, now - 200)
    real_unlink = Path.unlink

    def racing_unlink(self: Path, missing_ok: bool = False) -> None:
        if self == first:
            real_unlink(self)  # another process pruned it first
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", racing_unlink)
    removed, freed = image_store.prune_images(100, root=tmp_path, now=now)
    assert (removed, freed) == (0, 0)
    assert [p.name for p in tmp_path.rglob("*.png")] == ["ff66.png"]
