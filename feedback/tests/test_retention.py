"""A family's contact details go when their retention period ends; the case and its feedback stay."""

from datetime import UTC, date, datetime

import pytest

from feedback import tasks
from feedback.models import ClosedCase
from feedback.retention import CONTACT_REMOVED, case_contacts_retention_apply

from .factories import CaseFeedbackFactory, ClosedCaseFactory

pytestmark = pytest.mark.django_db


def test_contact_details_of_cases_closed_past_the_period_are_removed_and_the_case_kept(settings):
    settings.FEEDBACK_CASE_CONTACT_RETENTION_DAYS = 365
    moment = datetime(2026, 11, 24, 2, 45, tzinfo=UTC)
    old = ClosedCaseFactory(closed_on=date(2025, 11, 23), preferred_times="Mornings")
    feedback = CaseFeedbackFactory(case=old)
    on_the_day = ClosedCaseFactory(closed_on=date(2025, 11, 24))

    assert case_contacts_retention_apply(moment=moment) == 1

    old.refresh_from_db()
    assert (old.contact_name, old.address, old.phone, old.email, old.preferred_times) == (
        CONTACT_REMOVED,
        "",
        "",
        "",
        "",
    )
    assert old.closed_on == date(2025, 11, 23) and old.team_id is not None
    assert old.feedback.filter(pk=feedback.pk).exists()
    on_the_day.refresh_from_db()
    assert on_the_day.contact_name != CONTACT_REMOVED and on_the_day.phone


def test_the_daily_job_is_safe_to_repeat(settings, time_machine):
    settings.FEEDBACK_CASE_CONTACT_RETENTION_DAYS = 30
    time_machine.move_to(datetime(2026, 11, 24, 2, 45, tzinfo=UTC), tick=False)
    ClosedCaseFactory.create_batch(3, closed_on=date(2026, 9, 1))

    assert tasks.retention_apply() == 3
    assert tasks.retention_apply() == 0
    assert ClosedCase.objects.filter(contact_name=CONTACT_REMOVED).count() == 3
