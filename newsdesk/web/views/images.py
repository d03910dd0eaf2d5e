"""/img/<kind>/<id>/<key>/: our copy of an article's lead image or a source's icon.

Only the image URL stored on that published article (or that source) is fetched, and only when
the key in the address matches it; so nobody can make us fetch anything else. A source icon that
cannot be had becomes a monogram drawn by us.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source
from newsdesk.web import image_store
from newsdesk.web.images import ARTICLE, SOURCE, url_key
from newsdesk.web.templatetags.newsdesk_web import MONOGRAM_COLOURS, monogram, monogram_tone

# The address changes with the image URL, so a copy may be kept for a year.
LONG_CACHE = "public, max-age=31536000, immutable"
MISSING_CACHE = "public, max-age=600"
# Not fetched now (the outlet is resting after failures, or every image slot is busy): ask again soon.
DEFERRED_CACHE = "no-store"
# Served bytes are an image and nothing else, even if opened on their own.
SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


def _owner_url(kind: str, pk: int) -> tuple[str, Source | None]:
    if kind == ARTICLE:
        article = get_object_or_404(Article.objects.published().only("lead_image"), pk=pk)
        return article.lead_image, None
    if kind == SOURCE:
        source = get_object_or_404(Source.objects.only("icon_url", "name"), pk=pk)
        return source.icon_url, source
    raise Http404("No such image.")


def _monogram(request: HttpRequest, source: Source, cache: str = MISSING_CACHE) -> HttpResponse:
    svg = render_to_string(
        "web/monogram.svg",
        {"letters": monogram(source.name), "colour": MONOGRAM_COLOURS[monogram_tone(source.name)]},
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = cache
    for name, value in SAFETY_HEADERS.items():
        response[name] = value
    return response


def _missing(request: HttpRequest, source: Source | None, cache: str = MISSING_CACHE) -> HttpResponse:
    if source is not None:
        return _monogram(request, source, cache)
    response = HttpResponse("This image is not available.", status=404, content_type="text/plain")
    response["Cache-Control"] = cache
    return response


@require_safe
def image(request: HttpRequest, kind: str, pk: int, key: str) -> HttpResponseBase:
    url, source = _owner_url(kind, pk)
    if not url or url_key(url) != key:
        raise Http404("No such image.")
    store = image_store.default_store()
    stored = store.get(key)
    if stored is None:
        if store.failed_recently(key):
            return _missing(request, source)
        try:
            data, media_type = image_store.fetch_image(url, icon=source is not None)
        except image_store.ImageDeferred:
            return _missing(request, source, DEFERRED_CACHE)
        except image_store.ImageUnavailable:
            store.mark_failed(key)
            return _missing(request, source)
        stored = store.put(key, data, media_type)
    else:
        store.touch(stored)
    etag = f'"{key}-{stored.size}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(stored.mtime))
    response: HttpResponseBase = not_modified or FileResponse(
        open(stored.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=stored.media_type,
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stored.mtime)
    response["Cache-Control"] = LONG_CACHE
    for name, value in SAFETY_HEADERS.items():
        response[name] = value
    return response
