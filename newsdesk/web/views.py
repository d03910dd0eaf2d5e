"""Public pages. The full site is issue 3; this is the minimal home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsdesk.articles.models import Article


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().newest_first().select_related("source")[:50]
    return render(request, "web/home.html", {"articles": articles})
