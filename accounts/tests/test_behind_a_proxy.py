"""Behind a proxy, the form limits and the sign-in lock-out count each client on its own, however
many X-Forwarded-For entries it forges (common/tests/test_client_address.py reads the header)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD

PROXY = "10.0.0.5"  # nginx, as gunicorn sees it


@pytest.mark.django_db
def test_behind_a_proxy_forged_headers_do_not_escape_a_form_limit(settings):
    settings.PROXY_COUNT = 1
    settings.ANONYMOUS_FORM_RATE = "2/h"
    reset = reverse("accounts:password-reset")
    for forged in ("198.51.100.1", "198.51.100.2"):
        response = Client(REMOTE_ADDR=PROXY).post(
            reset, {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9"
        )
        assert response.status_code == 302
    refused = Client(REMOTE_ADDR=PROXY).post(
        reset, {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.3, 203.0.113.9"
    )
    assert refused.status_code == 429
    # Another visitor behind the same proxy keeps their own allowance: the proxy's address is not shared.
    other = Client(REMOTE_ADDR=PROXY).post(reset, {"email": "y@example.com"}, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other.status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_sign_in_lock_out_is_per_client_not_per_proxy(settings, participant):
    settings.PROXY_COUNT = 1
    sign_in = reverse("accounts:sign-in")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for forged in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            sign_in,
            {"username": participant.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{forged}, 203.0.113.9",
        )
    locked = attacker.post(sign_in, {"username": participant.email, "password": PASSWORD})
    assert locked.status_code == 429
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert owner.post(sign_in, {"username": participant.email, "password": PASSWORD}).status_code == 302
