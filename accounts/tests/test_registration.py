import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, roles_of
from accounts.services import unconfirmed_accounts_delete

FORM = {
    "full_name": "Jo Williams",
    "email": "Jo@Example.com",
    "password": "plum-tree-lantern",
    "password_again": "plum-tree-lantern",
}


def link_in_last_email(pattern: str) -> str:
    return re.search(pattern, mail.outbox[-1].body).group(0)


@pytest.mark.django_db(transaction=True)
def test_a_participant_registers_confirms_and_signs_in(client):
    response = client.post(reverse("accounts:register"), FORM)
    assert response.url == reverse("accounts:register-check-email")
    user = User.objects.get(email="jo@example.com")
    assert not user.is_active and roles_of(user) == {Role.PARTICIPANT}
    assert mail.outbox[-1].to == ["jo@example.com"]
    assert mail.outbox[-1].alternatives  # an HTML part as well as plain text
    link = link_in_last_email(r"http://\S+/account/confirm/\S+/")
    confirmed = client.get(link.split("8000", 1)[1])
    assert "Your account is ready" in confirmed.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at
    signed_in = client.post(
        reverse("accounts:sign-in"), {"username": "jo@example.com", "password": "plum-tree-lantern"}
    )
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_registration_errors_keep_what_was_typed(client):
    html = client.post(
        reverse("accounts:register"), FORM | {"password_again": "different", "full_name": ""}
    ).content.decode()
    assert "Enter your full name" in html and "The passwords do not match" in html
    assert 'value="Jo@Example.com"' in html  # as typed
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_weak_password_is_refused(client):
    html = client.post(
        reverse("accounts:register"), FORM | {"password": "password", "password_again": "password"}
    ).content.decode()
    assert "This password is too short" in html or "This password is too common" in html


@pytest.mark.django_db(transaction=True)
def test_registering_an_existing_address_reveals_nothing_and_emails_its_owner(client, participant):
    response = client.post(reverse("accounts:register"), FORM | {"email": participant.email.upper()})
    assert response.url == reverse("accounts:register-check-email")
    assert User.objects.filter(email__iexact=participant.email).count() == 1
    assert "You already have an account" in mail.outbox[-1].subject


@pytest.mark.django_db
@pytest.mark.parametrize(("token", "heading"), [("nonsense", "This link does not work")])
def test_a_broken_confirmation_link_gets_a_plain_page(client, token, heading):
    response = client.get(reverse("accounts:confirm-email", kwargs={"token": token}))
    assert response.status_code == 400
    assert heading in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_expired_confirmation_link_says_so(client, settings):
    client.post(reverse("accounts:register"), FORM)
    link = link_in_last_email(r"/account/confirm/\S+/")
    with time_machine.travel(timezone.now() + timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS + 1)):
        response = client.get(link)
    assert "This link has expired" in response.content.decode()
    assert not User.objects.get(email="jo@example.com").is_active


@pytest.mark.django_db
def test_unconfirmed_registrations_are_deleted_after_twice_the_link_lifetime(make_user, settings):
    now = timezone.now()
    old = make_user(is_active=False, date_joined=now - timedelta(days=2 * settings.ACCOUNT_CONFIRMATION_DAYS + 1))
    recent = make_user(is_active=False, date_joined=now - timedelta(days=1))
    confirmed = make_user(date_joined=now - timedelta(days=400), email_confirmed_at=now - timedelta(days=400))
    assert unconfirmed_accounts_delete(moment=now) == 1
    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert old.pk not in User.objects.values_list("pk", flat=True)


@pytest.mark.django_db(transaction=True)
def test_password_reset_goes_through_the_outbox_and_works_once(client, participant):
    from notifications.models import Message

    client.post(reverse("accounts:password-reset"), {"email": participant.email})
    assert Message.objects.get(template="accounts/password_reset").state == Message.State.SENT
    path = link_in_last_email(r"/account/password-reset/[^/\s]+/[^/\s]+/")
    form_page = client.get(path, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "fresh-orchard-kite", "new_password2": "fresh-orchard-kite"}
    )
    assert done.url == reverse("accounts:password-reset-complete")
    again = client.get(path, follow=True)
    assert "This link does not work" in again.content.decode()


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("accounts:password-reset-sent")


@pytest.mark.django_db
def test_anonymous_forms_are_rate_limited(client, settings):
    settings.ANONYMOUS_FORM_RATE = "3/h"
    for _attempt in range(3):
        client.post(reverse("accounts:password-reset"), {"email": "x@example.com"})
    response = client.post(reverse("accounts:password-reset"), {"email": "x@example.com"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_registration_is_rate_limited_per_address(client, settings):
    settings.ANONYMOUS_FORM_RATE = "2/h"
    for attempt in range(2):
        response = client.post(reverse("accounts:register"), FORM | {"email": f"person{attempt}@example.com"})
        assert response.status_code == 302
    refused = client.post(reverse("accounts:register"), FORM | {"email": "person9@example.com"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
