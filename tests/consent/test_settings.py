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
