"""Retention of the audit log and of unconfirmed registrations, run by the daily tasks on a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry

from accounts import tasks
from accounts.models import User

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 24, 2, 5, tzinfo=UTC)


def test_audit_entries_past_their_period_are_deleted_and_newer_ones_kept(settings, make_user):
    settings.AUDIT_RETENTION_DAYS = 730
    with time_machine.travel(TODAY - timedelta(days=731), tick=False):
        make_user()  # the account's creation is logged on that day
    with time_machine.travel(TODAY - timedelta(days=729), tick=False):
        kept = make_user()
    assert LogEntry.objects.count() == 2

    with time_machine.travel(TODAY, tick=False):
        assert tasks.audit_retention_apply() == 1
        assert tasks.audit_retention_apply() == 0  # safe to repeat

    assert list(LogEntry.objects.values_list("object_id", flat=True)) == [kept.pk]


def test_unconfirmed_registrations_go_after_twice_the_links_lifetime(settings, make_user):
    settings.ACCOUNT_CONFIRMATION_DAYS = 3
    with time_machine.travel(TODAY - timedelta(days=7), tick=False):
        old = make_user(is_active=False, email="old@example.org")
    with time_machine.travel(TODAY - timedelta(days=5), tick=False):
        recent = make_user(is_active=False, email="recent@example.org")

    with time_machine.travel(TODAY, tick=False):
        tasks.retention_apply()

    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not User.objects.filter(pk=old.pk).exists()
