"""A person downloads what the portal holds about them, and deletes their own account."""

import json
from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.roles import Role

from .factories import PASSWORD

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_the_download_is_a_json_file_of_the_account_with_text_as_data(client, make_user):
    person = make_user(Role.PARTICIPANT, full_name='<script>alert("x")</script> Ann', email="ann@example.org")
    client.force_login(person)

    response = client.get(reverse("accounts:data-download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["accounts"]["full_name"] == '<script>alert("x")</script> Ann'  # as typed: data, not HTML
    assert data["accounts"]["email"] == "ann@example.org"
    assert "password" not in response.content.decode()


def test_the_download_needs_signing_in(client):
    response = client.get(reverse("accounts:data-download"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_participant_deletes_their_account_with_their_password_and_is_signed_out(client, participant):
    client.force_login(participant)
    page = client.get(reverse("accounts:account-delete"))
    assert b"govuk-warning-text" in page.content

    response = client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:account-deleted")
    assert not User.objects.filter(pk=participant.pk).exists()
    assert client.get(reverse("accounts:account")).status_code == 302  # signed out


@pytest.mark.parametrize("password", ["", "not-the-password"])
def test_a_missing_or_wrong_password_deletes_nothing_and_says_so(client, participant, password):
    client.force_login(participant)

    response = client.post(reverse("accounts:account-delete"), {"password": password})

    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert User.objects.filter(pk=participant.pk).exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR])
def test_staff_accounts_cannot_delete_themselves(staff_client, make_user, role):
    member = make_user(role)
    client = staff_client(member)

    page = client.get(reverse("accounts:account-delete"))
    posted = client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert b"Ask an administrator" in page.content and b"Ask an administrator" in posted.content
    assert User.objects.filter(pk=member.pk).exists()
    with pytest.raises(services.ValidationError) as refused:
        services.account_delete(user=member, password=PASSWORD, moment=MOMENT)
    assert refused.value.code == "staff_account"


def test_the_deletion_is_in_the_audit_log_without_the_address_or_name(client, make_user, administrator):
    person = make_user(Role.PARTICIPANT, full_name="Planted Name", email="planted@example.org")
    pk = person.pk
    # An earlier change by the person, and one by an administrator, name them; both are kept, emptied.
    person.full_name = "Planted Name Two"
    person.save()
    client.force_login(person)

    client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=pk)
    deletion = entries.get(action=LogEntry.Action.DELETE)
    assert deletion.object_repr == f"Deleted account {pk}"
    assert deletion.additional_data["deleted_by"] == "the account holder"
    assert entries.filter(action=LogEntry.Action.UPDATE).exists()
    everything = " ".join(
        f"{e.object_repr} {e.changes} {e.actor_email} {e.additional_data}" for e in LogEntry.objects.all()
    )
    assert "planted@example.org" not in everything
    assert "Planted Name" not in everything


def test_emails_to_the_address_are_listed_without_their_content_and_forgotten_with_the_account(client, participant):
    from notifications.models import Message
    from notifications.services import message_queue

    message_queue(recipient=participant.email.upper(), template="accounts/confirm_email", context={"secret": "s3"})
    message_queue(recipient="someone-else@example.org", template="accounts/confirm_email", context={})
    client.force_login(participant)

    download = client.get(reverse("accounts:data-download"))
    emails = json.loads(download.content)["notifications"]["emails"]
    assert [email["kind"] for email in emails] == ["accounts/confirm_email"]
    assert "s3" not in download.content.decode()

    client.post(reverse("accounts:account-delete"), {"password": PASSWORD})
    assert list(Message.objects.values_list("recipient", flat=True)) == ["someone-else@example.org"]
