"""The newsletter's public pages. They validate input and call actions; they set no cookie.

- The signup form is a plain POST that works without JavaScript (a full page answers) and, asked with
  `Accept: application/json`, answers JSON for the enhanced box. Public forms carry no CSRF cookie:
  `same_origin_post` refuses cross-site posts instead.
- Nothing changes on a GET: confirming, unsubscribing and deleting are POSTs, so link scanners that
  follow every link in a mail cannot do them.
- The List-Unsubscribe URL takes the RFC 8058 one-click POST from mail providers' servers; the signed
  token in the URL is the authority, so it needs no origin check. That token only unsubscribes: mail
  providers see and keep it. Preferences, export and delete take the separate manage token (tokens.py);
  with an unsubscribe token, or a manage link too old for export and delete, they offer a fresh link by mail.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.core.clock import utcnow
from newsdesk.core.http import safe_next, same_origin_post

from . import actions
from .abuse import allow, pseudonym, source_hash
from .boxes import box_context
from .conf import conf
from .export import subscriber_export
from .forms import PREFERENCES_VERSION, PreferencesForm, SignupForm
from .models import Subscriber
from .tasks import record_signup, send_manage_link
from .tokens import BadToken, read_confirm_token, read_manage_token, read_unsubscribe_token

log = logging.getLogger(__name__)

# Marked for translation here, translated when a request is answered (the reader's language).
THANKS = gettext_noop("Thank you for subscribing — check your inbox to confirm.")
FAILED = gettext_noop("Something went wrong on our side. Please try again in a few minutes.")
TOO_MANY = gettext_noop("Too many sign-ups from your network in the last hour. Please try again later.")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _signup_answer(request: HttpRequest, form: SignupForm | None, *, status: int, message: str, ok: bool,
                   field: str = "") -> HttpResponse:  # fmt: skip
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message, "field": field or None}, status=status)
    if ok:
        return render(
            request,
            "newsletter/thanks.html",
            {"message": message, "next": safe_next(request.POST.get("next"), request, "/")},
            status=status,
        )
    context = {"box": box_context(request, form=form, message=message, error_field=field)}
    return render(request, "newsletter/subscribe.html", context, status=status)


@same_origin_post
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "newsletter/subscribe.html", {"box": box_context(request)})
    form = SignupForm(request.POST)
    ip_key = source_hash(request)
    if not allow("ip", ip_key, conf().signups_per_ip):
        return _signup_answer(request, form, status=429, message=_(TOO_MANY), ok=False)
    if form.is_bot:
        log.info("Newsletter signup honeypot filled (source %s); ignored", ip_key[:12])
        return _signup_answer(request, form, status=200, message=_(THANKS), ok=True)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return _signup_answer(request, form, status=400, message=str(errors[0]), ok=False, field=field)
    email = form.cleaned_data["email"]
    if not allow("address", pseudonym(email.lower()), conf().signups_per_address):
        # Same answer as a success: the limit must not tell anyone whether the address is known.
        return _signup_answer(request, form, status=200, message=_(THANKS), ok=True)
    # Whether the address is new, pending or already confirmed is decided behind the queue: this request
    # does the same work for every address (one task queued), so its timing tells nobody who subscribes.
    try:
        record_signup.enqueue(
            email,
            form.cleaned_data["frequency"],
            list(form.topic_ids()),
            list(form.source_ids()),
            form.form_version(),
            ip_key,
            utcnow().isoformat(),
        )
    except Exception:
        log.exception("Newsletter signup failed for source %s", ip_key[:12])
        return _signup_answer(request, form, status=500, message=_(FAILED), ok=False)
    return _signup_answer(request, form, status=200, message=_(THANKS), ok=True)


# ---- confirmation -----------------------------------------------------------------------------


def _message_page(
    request: HttpRequest, title: str, text: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(request, "newsletter/message.html", {"title": title, "text": text, **extra}, status=status)


def _bad_link(request: HttpRequest) -> HttpResponse:
    return _message_page(
        request,
        _("This link does not work"),
        _("The link is incomplete or was changed. Copy the whole address from the mail, or sign up again."),
        status=404,
        signup=True,
    )


@same_origin_post
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = read_confirm_token(token)
    except BadToken as exc:
        if exc.expired:
            return _message_page(
                request, _("This confirmation link has expired"),
                _("Confirmation links work for 48 hours. Sign up again and we will send you a new one."),
                status=410, signup=True,
            )  # fmt: skip
        return _bad_link(request)
    subscriber = Subscriber.objects.filter(pk=claim.subscriber_id).first()
    if subscriber is None:
        return _bad_link(request)
    if request.method == "GET":
        usable = subscriber.status == Subscriber.Status.PENDING and subscriber.confirm_nonce == claim.nonce
        if not usable:
            return _used(request)
        return render(request, "newsletter/confirm.html", {"email": subscriber.email})
    outcome = actions.do_confirm(claim, actions.Proof("confirm-v1", source_hash(request)), utcnow())
    if outcome is actions.Confirmed.NOW:
        from .tokens import manage_token

        preferences = reverse("newsletter:preferences", args=[manage_token(subscriber.manage_key)])
        return render(
            request, "newsletter/confirmed.html", {"email": subscriber.email, "preferences": preferences}
        )
    if outcome is actions.Confirmed.UNKNOWN:
        return _bad_link(request)
    return _used(request)


def _used(request: HttpRequest) -> HttpResponse:
    return _message_page(
        request,
        _("This link has already been used"),
        _(
            "Each confirmation link works once. If you are subscribed, your digest is on its way; "
            "if not, sign up again."
        ),
        status=410,
        signup=True,
    )


# ---- the subscriber's own links -----------------------------------------------------------------


def _subscriber(token: str) -> Subscriber | None:
    """The subscriber an unsubscribe link names (the List-Unsubscribe token, or a manage token)."""
    try:
        key = read_unsubscribe_token(token)
    except BadToken:
        managed = _managed(token)
        return managed[0] if managed else None
    return Subscriber.objects.filter(key=key).first()


def _managed(token: str) -> tuple[Subscriber, float] | None:
    """The subscriber a manage token names, and the link's age in seconds; None for any other token."""
    try:
        claim = read_manage_token(token)
    except BadToken:
        return None
    subscriber = Subscriber.objects.filter(manage_key=claim.manage_key).first()
    if subscriber is None:
        return None
    return subscriber, utcnow().timestamp() - claim.signed_at


def _fresh_link_page(request: HttpRequest, token: str, *, status: int = 403) -> HttpResponse:
    """A link that may not open this page (an unsubscribe link, or too old): offer a fresh one by mail."""
    if _subscriber(token) is None:
        return _bad_link(request)
    return render(request, "newsletter/fresh_link.html", {"token": token}, status=status)


def _manage_or_fresh(
    request: HttpRequest, token: str, *, sensitive: bool
) -> tuple[Subscriber | None, HttpResponse | None]:
    managed = _managed(token)
    if managed is None:
        return None, _fresh_link_page(request, token)
    subscriber, age = managed
    if sensitive and age > conf().manage_link_days * 86400:
        return None, _fresh_link_page(request, token)
    return subscriber, None


@same_origin_post
@require_http_methods(["POST"])
def fresh_link(request: HttpRequest, token: str) -> HttpResponse:
    """Mail the subscriber a fresh manage link (at most a few an hour). The answer is the same either way."""
    subscriber = _subscriber(token)
    if subscriber is None:
        return _bad_link(request)
    if allow("fresh-link", pseudonym(subscriber.key), conf().signups_per_address):
        send_manage_link.enqueue(subscriber.pk)
    return _message_page(
        request,
        _("Check your inbox"),
        _("We sent a fresh link to your address: it opens your preferences, your data and deleting it."),
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    if subscriber is None:
        if one_click:
            return HttpResponse(
                _("Unknown or deleted subscription.") + "\n", status=404, content_type="text/plain"
            )
        return _bad_link(request)
    if request.method == "POST":
        actions.do_unsubscribe(
            subscriber.key,
            actions.Proof("one-click" if one_click else "unsubscribe-v1", source_hash(request)),
            utcnow(),
        )
        if one_click:
            return HttpResponse(_("Unsubscribed.") + "\n", content_type="text/plain")
        return render(request, "newsletter/unsubscribed.html", {"email": subscriber.email, "token": token})
    if subscriber.status != Subscriber.Status.CONFIRMED:
        return render(request, "newsletter/unsubscribed.html", {"email": subscriber.email, "token": token})
    return render(request, "newsletter/unsubscribe.html", {"email": subscriber.email, "token": token})


@same_origin_post
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber, refused = _manage_or_fresh(request, token, sensitive=False)
    if subscriber is None:
        return refused or _bad_link(request)
    message = ""
    form = None
    if request.method == "POST":
        proof = actions.Proof(PREFERENCES_VERSION, source_hash(request))
        if request.POST.get("action") == "revoke":
            actions.do_rotate_manage_key(subscriber.key)
            send_manage_link.enqueue(subscriber.pk)
            return _message_page(
                request,
                _("Old links no longer work"),
                _("Every earlier link to your preferences is revoked. We sent a new one to your address."),
            )
        if request.POST.get("action") == "resubscribe":
            actions.do_resubscribe(subscriber.key, proof, utcnow())
            message = _("Welcome back: your digest starts again.")
        else:
            form = PreferencesForm(request.POST)
            if form.is_valid():
                choices = actions.Choices(form.cleaned_data["frequency"], form.topic_ids(), form.source_ids())
                actions.do_update_preferences(
                    subscriber.key, choices, form.cleaned_data["paused"], proof, utcnow()
                )
                message = _("Saved. Your next digest follows these choices.")
                form = None
            else:
                message = str(next(iter(form.errors.values()))[0])
        subscriber.refresh_from_db()
    context = {
        "subscriber": subscriber,
        "token": token,
        "message": message,
        "form_error": form is not None,
        "box": box_context(request, subscriber=subscriber, form=form),
    }
    return render(request, "newsletter/preferences.html", context, status=400 if form is not None else 200)


@require_http_methods(["GET"])
def export(request: HttpRequest, token: str) -> HttpResponse:
    subscriber, refused = _manage_or_fresh(request, token, sensitive=True)
    if subscriber is None:
        return refused or _bad_link(request)
    body = json.dumps(subscriber_export(subscriber), indent=2, ensure_ascii=False)
    response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@same_origin_post
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    if _subscriber(token) is None:
        if request.method == "POST":
            return _message_page(request, _("Deleted"), _("There is nothing left to delete for this link."))
        return _bad_link(request)
    subscriber, refused = _manage_or_fresh(request, token, sensitive=True)
    if subscriber is None:
        return refused or _bad_link(request)
    if request.method == "POST":
        actions.do_delete_subscriber(subscriber.key)
        return _message_page(
            request, _("Deleted"),
            _(
                "We deleted %(email)s and everything we kept about it: your choices, your consent "
                "records and the list of digests we sent. You will get no more mail from us."
            ) % {"email": subscriber.email},
        )  # fmt: skip
    return render(request, "newsletter/delete.html", {"email": subscriber.email, "token": token})
