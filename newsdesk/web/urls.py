from django.urls import path, re_path, register_converter
from django.views.generic import RedirectView

from newsdesk.core.ids import IdConverter

from .views import browse, feeds, health, images, live, meta, pages, search, stories

register_converter(IdConverter, "id")
# An id in a regular-expression route: at most 18 digits, always within a database id's range.
ID_PATTERN = "[0-9]{1,18}"
app_name = "web"

FORMAT = r"(?P<fmt>rss|atom|json)"

urlpatterns = [
    path("", pages.home, name="home"),
    path("article/<id:pk>-<str:slug>/", pages.article, name="article"),
    path("article/<id:pk>/", pages.article, name="article-bare"),
    path("sources/", browse.source_index, name="sources"),
    path("source/<id:pk>-<str:slug>/", browse.source, name="source"),
    path("source/<id:pk>/", browse.source, name="source-bare"),
    path("topics/", browse.topic_index, name="topics"),
    path("story/<id:pk>/", stories.story, name="story"),
    path("topic/<slug:slug>/", browse.topic, name="topic"),
    path("search", search.search_page, name="search"),
    # "/search/", as a reader may type it by analogy with "/topics/", goes to the search page with its query.
    path("search/", RedirectView.as_view(pattern_name="web:search", query_string=True, permanent=True)),
    path("live/", live.live_page, name="live"),
    re_path(rf"^feeds/latest\.{FORMAT}$", feeds.latest, name="feed-latest"),
    re_path(rf"^feeds/source/(?P<pk>{ID_PATTERN})\.{FORMAT}$", feeds.source, name="feed-source"),
    re_path(rf"^feeds/topic/(?P<slug>[-a-zA-Z0-9_]+)\.{FORMAT}$", feeds.topic, name="feed-topic"),
    re_path(rf"^feeds/search\.{FORMAT}$", feeds.search_feed, name="feed-search"),
    re_path(
        rf"^img/(?P<kind>[as])/(?P<pk>{ID_PATTERN})/(?P<key>[0-9a-f]{{20}})/$", images.image, name="image"
    ),
    path("robots.txt", meta.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sitemap.xml", meta.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", meta.sitemap_section, name="sitemap"),
]
