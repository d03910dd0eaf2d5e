"""Background work of the public site: an article's lead image is fetched once the article is stored,
and a renamed source's articles have their kept page parts drawn again.

The worker stores the article; this task, queued on commit, keeps our copy of its image, so that the
first reader's request finds it there instead of waiting on the outlet (image_store.py).
"""

from __future__ import annotations

from newsdesk.core.tasks import task


@task()
def fetch_article_image(article_id: int) -> bool:
    """Keep our copy of a published article's lead image. True when a copy is there afterwards."""
    from newsdesk.articles.models import Article
    from newsdesk.core.urls import is_web_url
    from newsdesk.web import image_store

    url = Article.objects.published().filter(pk=article_id).values_list("lead_image", flat=True).first()
    if not url or not is_web_url(url):
        return False
    return image_store.store_image(url) is not None


@task()
def render_source_pages(source_id: int) -> int:
    """Draw again the kept parts of a source's articles that no longer match their key (the source was
    renamed: newsdesk/web/article_page.py). Returns how many were drawn."""
    from newsdesk.web import article_page

    return article_page.refill(source_id=source_id)[1]


def on_article_stored(sender: object, article_id: int, created: bool, status: str, **kwargs: object) -> None:
    """Queue the image fetch for a newly published article (NEWSDESK_IMAGE_PREFETCH turns it off). An
    article stored without a lead image queues nothing: its task would only find that out."""
    from django.conf import settings

    if not kwargs.get("lead_image", True):
        return
    if status == "published" and settings.NEWSDESK_SITE["IMAGE_PREFETCH"]:
        fetch_article_image.enqueue(article_id)
