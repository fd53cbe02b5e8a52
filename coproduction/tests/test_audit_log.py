import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from accounts.roles import Role
from coproduction import services
from coproduction.models import Participant
from coproduction.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_a_change_to_a_participant_is_recorded_without_the_contact_details_or_needs(team):
    participant = ParticipantFactory(team=team, email="pat@example.com", phone="07700 900123")
    participant.phone = "07700 900456"
    participant.access_needs = "Needs a BSL interpreter"
    participant.access_needs_consent = True
    participant.save()
    entry = LogEntry.objects.get_for_object(participant).filter(action=LogEntry.Action.UPDATE).get()
    written = str(entry.changes)
    assert "900456" not in written and "BSL" not in written and "pat@example.com" not in written
    assert {"phone", "access_needs"} <= set(entry.changes_dict)


def test_viewing_a_participant_s_details_is_recorded_once_per_viewing(make_user, team):
    manager = make_user(Role.MANAGER)
    participant = ParticipantFactory(team=team)
    services.participant_details_view(participant=participant, viewer=manager, moment=timezone.now())
    entries = LogEntry.objects.get_for_object(Participant.objects.get(pk=participant.pk))
    assert entries.filter(action=LogEntry.Action.ACCESS, actor=manager).count() == 1
