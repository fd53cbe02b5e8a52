"""Changes to respondents' contact details are in the audit log, never the address itself."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from consultations.models import RespondentContact

from .factories import RespondentContactFactory

pytestmark = pytest.mark.django_db


def test_a_respondents_contact_details_changed_or_deleted_are_logged_without_the_address():
    contact = RespondentContactFactory(email="planted@example.com")
    contact.wants_outcome = False
    contact.save()
    RespondentContact.objects.filter(pk=contact.pk).delete()

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(RespondentContact))
    assert set(entries.values_list("action", flat=True)) == {
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    }
    assert not any("planted@example.com" in f"{e.changes} {e.object_repr}" for e in entries)
