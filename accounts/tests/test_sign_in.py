from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import PASSWORD


@pytest.mark.django_db
def test_signing_in_and_out(client, participant):
    response = client.post(reverse("accounts:sign-in"), {"username": participant.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    client.post(reverse("accounts:sign-out"))
    assert client.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_is_explained_and_the_email_kept(client, participant):
    response = client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a correct email address and password" in html
    assert f'value="{participant.email}"' in html
    assert "<title>Error: Sign in" in html


@pytest.mark.django_db
def test_missing_fields_each_get_a_message(client):
    html = client.post(reverse("accounts:sign-in"), {}).content.decode()
    assert html.count("This field is required") >= 2


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_locked_out_even_with_the_right_password(client, participant, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert client.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_a_lock_on_one_account_does_not_lock_another(client, participant, make_user, settings):
    other = make_user()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": participant.email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": other.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_out_needs_a_post(client, participant):
    client.force_login(participant)
    assert client.get(reverse("accounts:sign-out")).status_code == 405


@pytest.mark.django_db
def test_password_change(client, participant):
    client.force_login(participant)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.url == reverse("accounts:password-change-done")
    participant.refresh_from_db()
    assert participant.check_password("a-brand-new-passphrase")


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_refused_after_the_limit_and_another_address_is_not(
    client, make_user, settings
):
    settings.SIGN_IN_ADDRESS_RATE = "30/h"
    accounts = [make_user() for _account in range(25)]
    sign_in = reverse("accounts:sign-in")
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), tick=False):  # one rate window
        for attempt in range(30):
            account = accounts[attempt % len(accounts)]  # at most two tries each: no account locks
            response = client.post(sign_in, {"username": account.email, "password": "Summer2026!"})
            assert response.status_code == 200, attempt
        refused = client.post(sign_in, {"username": accounts[5].email, "password": "Summer2026!"})
        assert refused.status_code == 429
        assert "Too many attempts" in refused.content.decode()
        elsewhere = client.post(
            sign_in, {"username": accounts[5].email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.44"
        )
        assert elsewhere.status_code == 302
