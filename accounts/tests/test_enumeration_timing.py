"""Whether an address has an account shows neither on the page nor in how long the page takes.

Registration hashes the password on both paths (the slow part, on purpose) and queues one e-mail;
password reset queues one e-mail on both. Each is timed over repeated tries, alternating, with
Django's real password hasher.
"""

import statistics
import time

import pytest
from django.conf import global_settings
from django.urls import reverse

from notifications.models import Message

pytestmark = pytest.mark.django_db

TRIES = 15
# Each registration try hashes a password with the real hasher (a third of a second or more), so
# registration is timed over fewer pairs; a median of nine alternating pairs is steady enough.
REGISTRATION_TRIES = 9


@pytest.fixture
def real_hasher(settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.ANONYMOUS_FORM_RATE = "1000/h"  # the form limit is not what is measured here


def timed_post(client, path: str, data: dict) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.post(path, data)
    return time.perf_counter() - started, response


def assert_close(known: list[float], unknown: list[float]):
    """Medians within 25% of the slower one, or 20 ms, whichever is larger."""
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    bound = max(0.25 * max(known_median, unknown_median), 0.020)
    assert abs(known_median - unknown_median) < bound, (
        f"known {known_median * 1000:.1f} ms, unknown {unknown_median * 1000:.1f} ms, bound {bound * 1000:.1f} ms"
    )


def registration(email: str) -> dict:
    return {
        "full_name": "Jo Williams",
        "email": email,
        "password": "plum-tree-lantern",
        "password_again": "plum-tree-lantern",
    }


def test_registration_takes_as_long_for_a_known_address_as_for_a_new_one(client, participant, real_hasher):
    path = reverse("accounts:register")
    client.post(path, registration("warm-up@example.com"))  # first-request costs count for neither side
    known, unknown = [], []
    for attempt in range(REGISTRATION_TRIES):
        seconds, response = timed_post(client, path, registration(participant.email))
        assert response.url == reverse("accounts:register-check-email")
        known.append(seconds)
        seconds, response = timed_post(client, path, registration(f"new-{attempt}@example.com"))
        assert response.url == reverse("accounts:register-check-email")
        unknown.append(seconds)
    assert Message.objects.filter(template="accounts/already_registered").count() == REGISTRATION_TRIES
    assert Message.objects.filter(template="accounts/confirm_email").count() == REGISTRATION_TRIES + 1
    assert_close(known, unknown)


def test_password_reset_takes_as_long_for_a_known_address_as_for_an_unknown_one(client, participant, real_hasher):
    path = reverse("accounts:password-reset")
    client.post(path, {"email": "warm-up@example.com"})
    known, unknown = [], []
    for attempt in range(TRIES):
        seconds, response = timed_post(client, path, {"email": participant.email})
        assert response.url == reverse("accounts:password-reset-sent")
        known.append(seconds)
        seconds, response = timed_post(client, path, {"email": f"nobody-{attempt}@example.com"})
        assert response.url == reverse("accounts:password-reset-sent")
        unknown.append(seconds)
    assert Message.objects.filter(template="accounts/password_reset").count() == TRIES
    assert Message.objects.filter(template="accounts/password_reset_no_account").count() == TRIES + 1
    assert_close(known, unknown)


def test_an_address_with_no_account_is_told_why_no_reset_link_came(client, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "nobody@example.com"})
    assert mail.outbox[-1].to == ["nobody@example.com"]
    assert "There is no active account with it" in mail.outbox[-1].body
    assert "/account/register/" in mail.outbox[-1].body
