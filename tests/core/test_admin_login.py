"""The admin login: a brute-force limit by account and by address (django-axes, in Django's cache)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _staff(name: str) -> User:
    return User.objects.create_user(name, password="right horse battery", is_staff=True, is_superuser=True)


def _login(client: Client, name: str, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": name, "password": password}, REMOTE_ADDR=address)


def test_after_the_limit_the_right_password_is_refused_and_the_lockout_is_logged(settings, caplog) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    _staff("editor")
    client = Client()
    axes_log = logging.getLogger("axes")  # it does not propagate to the root logger caplog watches
    axes_log.addHandler(caplog.handler)
    try:
        answers = [_login(client, "editor", f"wrong {n}").status_code for n in range(5)]
    finally:
        axes_log.removeHandler(caplog.handler)
    assert answers[:4] == [200] * 4  # the form again, with an error
    assert answers[4] == 429
    refused = _login(client, "editor", "right horse battery")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("locking out" in record.getMessage().lower() for record in caplog.records), caplog.records


def test_the_account_is_locked_from_every_address(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    _staff("desk")
    for n in range(3):
        _login(Client(), "desk", "nope", address=f"198.51.100.{n + 1}")  # a new address each time
    assert _login(Client(), "desk", "right horse battery", address="203.0.113.9").status_code == 429


def test_one_address_is_locked_for_every_account(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    _staff("night")
    for n in range(3):
        _login(Client(), f"guess{n}", "nope", address="198.51.100.77")
    assert _login(Client(), "night", "right horse battery", address="198.51.100.77").status_code == 429
    assert _login(Client(), "night", "right horse battery", address="198.51.100.78").status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "TRUSTED_PROXIES": 1}
    _staff("proxied")
    for _ in range(2):
        Client().post(
            LOGIN,
            {"username": "x", "password": "y"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.50",
        )
    other_reader = Client().post(
        LOGIN,
        {"username": "proxied", "password": "right horse battery"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.51",
    )
    assert other_reader.status_code == 302  # the same proxy, another reader: not locked


def test_the_lockout_ends_after_the_cool_off(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    _staff("patient")
    client = Client()
    for _ in range(2):
        _login(client, "patient", "wrong")
    assert _login(client, "patient", "right horse battery").status_code == 429
    time.sleep(1.5)
    assert _login(client, "patient", "right horse battery").status_code == 302
