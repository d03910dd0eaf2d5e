"""The Content-Security-Policy header built once per distinct policy (newsdesk.core.middleware): every
answer still carries exactly what django-csp would have built for it, and what one answer added to its
policy never reaches another's."""

from __future__ import annotations

import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from newsdesk.core.middleware import KeptPolicyCSPMiddleware

HEADER = "Content-Security-Policy"
STATS = {"script-src": ["https://stats.example.org"], "connect-src": ["https://stats.example.org"]}
ADS = {"script-src": ["https://ads.example.net"], "img-src": ["https://ads.example.net"]}


def answer(
    middleware_class: type, *, update=None, nonce: bool = False, **attrs
) -> tuple[HttpRequest, HttpResponse]:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("page")
        if nonce:
            seen["nonce"] = str(request.csp_nonce)  # type: ignore[attr-defined]
        if update is not None:
            response._csp_update = update  # type: ignore[attr-defined]
        for name, value in attrs.items():
            setattr(response, name, value)
        return response

    request = RequestFactory().get("/article/1-a-story")
    response = middleware_class(view)(request)
    if nonce:
        assert f"'nonce-{seen['nonce']}'" in response[HEADER]
    return request, response


@pytest.mark.parametrize(
    "update", [None, STATS, ADS, {"img-src": {"https://b.example", "https://a.example"}}]
)
def test_the_header_is_the_one_django_csp_builds(update) -> None:
    for _ in range(3):  # the first builds it, the next ones reuse it
        assert (
            answer(KeptPolicyCSPMiddleware, update=update)[1][HEADER]
            == answer(CSPMiddleware, update=update)[1][HEADER]
        )


def test_one_answers_additions_never_reach_another() -> None:
    plain = answer(KeptPolicyCSPMiddleware)[1][HEADER]
    with_stats = answer(KeptPolicyCSPMiddleware, update=STATS)[1][HEADER]
    with_ads = answer(KeptPolicyCSPMiddleware, update=ADS)[1][HEADER]
    assert "stats.example.org" in with_stats
    assert "ads.example.net" not in with_stats
    assert "ads.example.net" in with_ads
    assert "stats.example.org" not in with_ads
    again = answer(KeptPolicyCSPMiddleware)[1][HEADER]
    assert again == plain
    assert "example" not in again


def test_a_nonce_is_never_kept() -> None:
    first = answer(KeptPolicyCSPMiddleware, nonce=True)[1][HEADER]
    second = answer(KeptPolicyCSPMiddleware, nonce=True)[1][HEADER]
    assert first != second  # each carries its own request's nonce (checked in answer())
    assert "nonce-" not in answer(KeptPolicyCSPMiddleware)[1][HEADER]


def test_a_nonce_asked_for_after_the_header_is_an_error() -> None:
    request, _ = answer(KeptPolicyCSPMiddleware)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]


def test_exempt_and_replaced_policies_go_through_django_csp() -> None:
    assert HEADER not in answer(KeptPolicyCSPMiddleware, _csp_exempt=True)[1]
    replaced = answer(KeptPolicyCSPMiddleware, _csp_replace={"img-src": ["https://img.example"]})[1][HEADER]
    assert "img-src https://img.example" in replaced
    assert "data:" not in replaced


def test_a_changed_setting_is_seen_at_once() -> None:
    before = answer(KeptPolicyCSPMiddleware)[1][HEADER]
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://img.example"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        changed = answer(KeptPolicyCSPMiddleware)[1][HEADER]
        assert "https://img.example" in changed
    assert answer(KeptPolicyCSPMiddleware)[1][HEADER] == before


@pytest.mark.django_db
def test_the_site_uses_it_and_pages_carry_the_policy() -> None:
    from django.conf import settings

    assert "newsdesk.core.middleware.KeptPolicyCSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    expected = answer(CSPMiddleware)[1][HEADER]
    for _ in range(2):
        page = Client().get("/robots.txt")
        assert page[HEADER] == expected
        assert "frame-ancestors 'none'" in page[HEADER]


def test_a_report_only_policy_switched_on_and_off_is_seen_at_once() -> None:
    """Whether a header may be kept is worked out once per setting change, not per answer: turning a
    report-only policy on sends every answer through django-csp (which writes that header too), and
    turning it off again goes back to the kept header."""
    report = "Content-Security-Policy-Report-Only"
    before = answer(KeptPolicyCSPMiddleware)[1]
    assert report not in before
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report"}}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        for _ in range(2):
            during = answer(KeptPolicyCSPMiddleware)[1]
            assert during[report] == answer(CSPMiddleware)[1][report]
            assert during[HEADER] == before[HEADER]
    after = answer(KeptPolicyCSPMiddleware)[1]
    assert report not in after
    assert after[HEADER] == before[HEADER]


def test_debug_switched_on_goes_through_django_csp() -> None:
    """With DEBUG on, django-csp leaves a 404 or 500 without a policy; the kept path must not add one."""

    def missing(request: HttpRequest) -> HttpResponse:
        return HttpResponse("gone", status=404)

    def policy_of_a_404() -> str | None:
        response = KeptPolicyCSPMiddleware(missing)(RequestFactory().get("/nowhere"))
        assert isinstance(response, HttpResponse)
        return response.get(HEADER)

    assert policy_of_a_404()
    with override_settings(DEBUG=True):
        assert policy_of_a_404() is None
    assert policy_of_a_404()
