"""robots.txt and the sitemaps."""

from __future__ import annotations

from django.contrib.sitemaps.views import SitemapIndexItem, sitemap  # type: ignore[attr-defined]
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.http import http_date

from newsdesk.core import links
from newsdesk.web.caching import public_page
from newsdesk.web.sitemaps import (
    SECTIONS,
    ArticleSitemap,
    InvalidSitemapPage,
    NewsSitemap,
    articles_page,
    news_page,
    news_urlset,
    urlset,
)

ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /search
Disallow: /newsletter/
Disallow: /privacy/consent/

Sitemap: {sitemap}
"""


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    body = ROBOTS.format(sitemap=links.absolute(links.reverse_remembered("web:sitemap-index")))
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@public_page
def sitemap_index(request: HttpRequest) -> HttpResponseBase:
    entries = []
    for section, sitemap_class in SECTIONS.items():
        site = sitemap_class()
        location = links.absolute(links.reverse_remembered("web:sitemap", (), {"section": section}))
        last_mod = site.get_latest_lastmod()
        if isinstance(site, ArticleSitemap):
            numbers = site.page_numbers()  # the first listed page without ?p=, as Django's index does
        else:
            numbers = range(1, site.paginator.num_pages + 1)
        for page in numbers:
            address = location if page == numbers.start else f"{location}?p={page}"
            entries.append(SitemapIndexItem(address, last_mod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@public_page
def sitemap_section(request: HttpRequest, section: str) -> HttpResponseBase:
    if section not in SECTIONS:
        raise Http404("No such sitemap.")
    site = SECTIONS[section]()
    if isinstance(site, ArticleSitemap):
        # A page of up to a thousand stories, written from the columns it shows (the same bytes and headers).
        try:
            if isinstance(site, NewsSitemap):
                body, newest = news_page(site, request.GET.get("p"))
            else:
                body, newest = articles_page(site, request.GET.get("p"))
        except InvalidSitemapPage as error:
            raise Http404(str(error)) from error
        headers = {"X-Robots-Tag": "noindex, noodp, noarchive"}
        if newest is not None:
            headers["Last-Modified"] = http_date(newest.timestamp())
        return HttpResponse(body, content_type="application/xml", headers=headers)
    template = "web/sitemap_news.xml" if section == "news" else "sitemap.xml"
    response = sitemap(request, {section: SECTIONS[section]}, section=section, template_name=template)
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        # Django's view chose the URLs, the page and the headers; the XML is written straight out
        # (newsdesk/web/sitemaps.py: the same bytes as those templates, without the template engine).
        urls = response.context_data["urlset"]
        response.content = news_urlset(urls) if section == "news" else urlset(urls)
    else:
        response.render()
    return response
