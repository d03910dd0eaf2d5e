"""Production settings, read by a fresh interpreter as a deployment would: HTTPS unless told otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'DEBUG')}))"
)


def settings_of(module: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_HTTPS")}
    environ.update(DJANGO_SETTINGS_MODULE=module, NEWSDESK_SECRET_KEY="x" * 50, **env)
    done = subprocess.run(
        [sys.executable, "-c", PRINT], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_production_means_https_secure_httponly_samesite_cookies_and_hsts():
    prod = settings_of("config.settings.prod")
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["CSRF_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["SECURE_HSTS_SECONDS"] == 31536000
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod["DEBUG"] is False


@pytest.mark.parametrize(("module", "env"), [("config.settings.prod", {"NEWSDESK_HTTPS": "0"}),
                                             ("config.settings.base", {})])  # fmt: skip
def test_without_https_no_secure_cookies_and_no_hsts(module, env):
    plain = settings_of(module, **env)
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    assert plain["SESSION_COOKIE_HTTPONLY"] is True


def test_the_hsts_age_is_configurable():
    assert (
        settings_of("config.settings.base", NEWSDESK_HTTPS="1", NEWSDESK_HSTS_SECONDS="600")[
            "SECURE_HSTS_SECONDS"
        ]
        == 600
    )


HEADERS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(default=str, obj={k: getattr(s, k) for k in ("
    "'CONTENT_SECURITY_POLICY', 'PERMISSIONS_POLICY', 'SECURE_REFERRER_POLICY', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', "
    "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'SESSION_COOKIE_HTTPONLY', 'NEWSDESK_INGEST')}))"
)


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.prod", "config.settings.test"])
def test_the_security_headers_are_as_the_readme_says_in_every_settings_module(module):
    """The security settings live in config/settings/security.py, which base.py imports whole: each
    settings module has them, with the values the README ("Security headers") documents."""
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": module, "NEWSDESK_SECRET_KEY": "x" * 50}
    done = subprocess.run(
        [sys.executable, "-c", HEADERS], env=environ, capture_output=True, text=True, check=True
    )
    got = json.loads(done.stdout)
    csp = got["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == csp["form-action"] == ["'self'"]
    assert not any("unsafe-inline" in value for values in csp.values() for value in values)
    assert got["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert got["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert got["X_FRAME_OPTIONS"] == "DENY"
    assert got["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert {"camera", "microphone", "geolocation"} <= set(got["PERMISSIONS_POLICY"])
    assert all(allowed == [] for allowed in got["PERMISSIONS_POLICY"].values())
    assert got["SESSION_COOKIE_HTTPONLY"] is True
    assert got["NEWSDESK_INGEST"]["EXCERPT_WORDS"] == 60  # and base's own settings are all still there
