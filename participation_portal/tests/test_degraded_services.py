"""What /healthz says when a service is down, and that a Redis cache going down leaves
registration, password reset and sign-in working (rate limits fail open) instead of 500."""

import logging
import socket

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from common.tests.smtp_server import ScriptedMailServer
from participation_portal import health


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: bound to find it free, then closed."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


@pytest.fixture
def redis_cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "drawings": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "drawings"},
        "rights": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rights"},
    }


@pytest.fixture
def smtp_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_SSL = False
    return settings


@pytest.mark.django_db
def test_health_names_the_cache_when_redis_is_unreachable(client, redis_cache_down, caplog):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["unreachable"] == ["cache"]
    assert any("cache is unreachable" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_health_names_mail_when_the_smtp_server_is_unreachable(client, smtp_backend):
    smtp_backend.EMAIL_PORT = closed_port()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["unreachable"] == ["mail"]


def test_a_mail_server_that_answers_noop_is_reachable(smtp_backend):
    with ScriptedMailServer() as server:
        smtp_backend.EMAIL_PORT = server.port
        assert health.mail_reachable() is True


def test_mail_that_never_leaves_the_machine_counts_as_reachable(settings):
    for backend in ("console", "locmem", "filebased"):
        settings.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"
        assert health.mail_reachable() is True


@pytest.mark.django_db
def test_registration_works_with_the_cache_down(client, redis_cache_down):
    response = client.post(
        reverse("accounts:register"),
        {
            "full_name": "Jo Williams",
            "email": "jo@example.com",
            "password": "plum-tree-lantern",
            "password_again": "plum-tree-lantern",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:register-check-email")


@pytest.mark.django_db
def test_password_reset_works_with_the_cache_down(client, redis_cache_down, participant):
    response = client.post(reverse("accounts:password-reset"), {"email": participant.email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-sent")


@pytest.mark.django_db
def test_sign_in_works_with_the_cache_down_and_still_locks_an_account_out(
    client, redis_cache_down, participant, settings
):
    response = client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("accounts:sign-out"))
    # The per-account lock-out lives in the database, so it holds without the cache.
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_down_cache_is_logged_once_and_not_tried_again_on_every_request(client, redis_cache_down, caplog):
    caplog.set_level(logging.ERROR, logger="common.cache")
    for _attempt in range(3):
        client.get(reverse("healthz"))
    assert [record.getMessage()[:24] for record in caplog.records if record.name == "common.cache"] == [
        "The cache is unreachable"
    ]
