"""The privacy page, the cookie policy and Cookie settings (also the banner's form target).

Public pages: no CSRF cookie. The form posts through `same_origin_post`; the only cookie set is the
consent cookie, and only when the reader submits a choice.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from newsdesk.core.http import safe_next, same_origin_post

from .actions import do_record_consent
from .current import cookie_name, get_consent
from .forms import ConsentForm
from .models import ConsentRecord
from .state import MAX_AGE


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consent/privacy.html",
        {"privacy_contact": settings.NEWSDESK_CONSENT["PRIVACY_CONTACT"], "site_name": settings.SITE_NAME},
    )


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    consent = get_consent(request)
    return render(
        request, "consent/cookies.html", {"registry": consent.registry, "max_age_days": MAX_AGE.days}
    )


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def consent_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request)
    back = safe_next(request.GET.get("next"), request)
    return render(
        request,
        "consent/settings.html",
        {"back": back, "saved": request.GET.get("saved") == "1", "hide_consent_banner": True},
    )


def _save(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return render(request, "consent/bad_choice.html", status=400)
    consent = get_consent(request)
    state = consent.state
    choice = state.decide(form.granted())
    do_record_consent(consent.registry, choice, ConsentRecord.Action(form.cleaned_data["action"]), state.gpc)

    secure = request.is_secure()
    target = safe_next(form.cleaned_data["next"], request)
    if not target:
        query = {"saved": "1"}
        back = safe_next(form.cleaned_data["back"], request)
        if back:
            query["next"] = back
        target = f"{reverse('consent:settings')}?{urlencode(query)}"
    response = HttpResponseRedirect(target, status=303)
    response.set_cookie(
        cookie_name(),
        choice.encode(),
        max_age=int(MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE or secure,
        httponly=True,
        samesite="Lax",
    )
    # Withdrawal stops what was allowed: the refused categories' own cookies and storage go too.
    cookies, clear_storage = consent.registry.leftovers(choice.granted)
    for name in cookies:
        if name in request.COOKIES:
            response.delete_cookie(name, samesite="Lax")
    if clear_storage:
        response["Clear-Site-Data"] = '"storage"'
    return response
