"""The daily retention task on a frozen clock: access needs written on invitations are cleared some
days after the session, and old register entries lose the person but keep what reports count."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from coproduction import selectors, tasks
from coproduction.models import Attendance, Invitation, ParticipantRole, RegisterEntry

from .factories import InvitationFactory, RegisterEntryFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 24, 2, 45, tzinfo=UTC)


@pytest.fixture(autouse=True)
def periods(settings):
    settings.COPRODUCTION_ACCESS_NEEDS_RETENTION_DAYS = 30
    settings.COPRODUCTION_REGISTER_RETENTION_DAYS = 1095


def ended(days_ago: float):
    """A session that ended ``days_ago`` days before today."""
    return SessionFactory(starts_at=TODAY - timedelta(days=days_ago, hours=2))


def test_access_needs_on_invitations_are_cleared_after_the_period_and_the_rest_of_the_reply_stays():
    old = InvitationFactory(session=ended(31), reply="yes", arrangements=["bsl"], access_needs="Needs a hoist")
    recent = InvitationFactory(session=ended(29), access_needs="Quiet room")
    upcoming = InvitationFactory(session=ended(-7), access_needs="Step-free")

    with time_machine.travel(TODAY, tick=False):
        assert tasks.retention_apply() == {"access_needs": 1, "register_entries": 0}
        assert tasks.retention_apply() == {"access_needs": 0, "register_entries": 0}

    old.refresh_from_db()
    assert old.access_needs == "" and old.reply == "yes" and old.arrangements == ["bsl"]
    assert set(Invitation.objects.exclude(access_needs="").values_list("pk", flat=True)) == {recent.pk, upcoming.pk}


def test_old_register_entries_lose_the_person_and_keep_role_and_attendance_so_reports_count_the_same():
    old_session = ended(1096)
    for role in (ParticipantRole.PARENT_CARER, ParticipantRole.YOUNG_PERSON, ParticipantRole.PROFESSIONAL):
        RegisterEntryFactory(session=old_session, role=role, attendance=Attendance.ATTENDED)
    RegisterEntryFactory(session=old_session, role=ParticipantRole.PARENT_CARER, attendance=Attendance.APOLOGIES)
    kept = RegisterEntryFactory(session=ended(1094))
    before = selectors.attendance([old_session]).rows

    with time_machine.travel(TODAY, tick=False):
        assert tasks.retention_apply() == {"access_needs": 0, "register_entries": 4}
        assert tasks.retention_apply() == {"access_needs": 0, "register_entries": 0}

    assert not RegisterEntry.objects.filter(session=old_session, participant__isnull=False).exists()
    assert RegisterEntry.objects.filter(session=old_session).count() == 4
    assert selectors.attendance([old_session]).rows == before
    kept.refresh_from_db()
    assert kept.participant_id is not None


def test_the_session_page_shows_an_anonymised_register_entry_without_a_name(staff_client, staff, group):
    session = SessionFactory(group=group, starts_at=TODAY - timedelta(days=1200))
    entry = RegisterEntryFactory(session=session)
    RegisterEntry.objects.filter(pk=entry.pk).update(participant=None)
    client = staff_client(staff)
    page = client.get(reverse("coproduction:session", kwargs={"session_pk": session.pk})).content.decode()
    assert "Name removed after the retention period" in page
    assert client.get(reverse("coproduction:register", kwargs={"session_pk": session.pk})).status_code == 200
