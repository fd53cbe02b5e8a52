"""The audit log of personal data: who changed it, with the actor from the request; administrators only."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def user_entries(user):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=user.pk)


def test_an_administrator_changing_a_name_and_address_writes_an_entry_naming_them(
    staff_client, administrator, participant
):
    client = staff_client(administrator)
    url = reverse("admin:accounts_user_change", args=[participant.pk])
    response = client.post(
        url,
        {
            "email": "renamed@example.org",
            "full_name": "A New Name",
            "is_active": "on",
            "groups": list(participant.groups.values_list("pk", flat=True)),
            "date_joined_0": "2026-11-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    entry = user_entries(participant).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == administrator
    assert entry.changes_dict["full_name"] == [participant.full_name, "A New Name"]
    # The address changed, and the log says so without keeping either address.
    assert entry.changes_dict["email"] == ["(masked)", "(masked)"]
    assert "renamed@example.org" not in str(entry.changes) + entry.object_repr


def test_an_administrator_opening_an_account_is_recorded_as_a_viewing(staff_client, administrator, participant):
    staff_client(administrator).get(reverse("admin:accounts_user_change", args=[participant.pk]))

    viewing = user_entries(participant).get(action=LogEntry.Action.ACCESS)
    assert viewing.actor == administrator


def test_password_hashes_and_sign_in_times_are_never_logged(client, participant):
    client.force_login(participant)  # updates last_login
    participant.set_password("another-long-password")
    participant.save()

    assert not user_entries(participant).filter(action=LogEntry.Action.UPDATE).exists()
    for entry in user_entries(participant):
        assert "password" not in entry.changes_dict
        assert "last_login" not in entry.changes_dict


@pytest.mark.parametrize("role", ["participant", "staff_member", "manager"])
def test_only_administrators_open_the_audit_log(request, staff_client, role, administrator):
    entry = LogEntry.objects.first()  # the administrator's account being made
    pages = [
        reverse("admin:auditlog_logentry_changelist"),
        reverse("admin:auditlog_logentry_change", args=[entry.pk]),
    ]
    client = staff_client(request.getfixturevalue(role))
    for page in pages:
        response = client.get(page)
        # A participant is refused the staff area; staff and managers are sent to the admin sign-in.
        assert response.status_code == 403 or response["Location"].startswith(reverse("admin:login"))

    client = staff_client(administrator)
    for page in pages:
        assert client.get(page).status_code == 200
    assert client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "someone"}).status_code == 200
