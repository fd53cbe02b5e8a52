"""Every scheduled job, run twice at the same moment (two beats, or a beat and a retry), makes what
one run makes and fails in neither: one e-mail per person per event, one send per message, each row
deleted once. Two threads with their own database connections start together at a barrier.

This needs PostgreSQL: SQLite takes one writer at a time, so two runs never overlap there.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from accounts import tasks as account_tasks
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from consultations import tasks as consultation_tasks
from consultations.models import QuestionKind, Response, Subscription
from consultations.tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    ServiceAreaFactory,
)
from feedback import tasks as feedback_tasks
from feedback.models import FeedbackCode, FeedbackItem, FeedbackLetter, LetterBatch
from feedback.tests.factories import ClosedCaseFactory
from notifications import tasks as outbox_tasks
from notifications.models import Message

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("two runs at once need a database that takes concurrent writers: set DATABASE_URL to PostgreSQL")


def twice_at_once(job) -> list:
    """Run ``job`` in two threads that start together; return both results, or raise the first error."""
    barrier = threading.Barrier(2)
    results, errors = [None, None], []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_consultation_notices_twice_at_once_queue_one_email_per_person_per_event():
    now = timezone.now()
    area = ServiceAreaFactory()
    people = [UserFactory(role=Role.PARTICIPANT) for _ in range(20)]
    Subscription.objects.bulk_create(Subscription(user=person, service_area=area) for person in people)
    # One just opened and one closing in two days: two events for each subscriber.
    ConsultationFactory(service_area=area, opens_at=now - timedelta(hours=2), closes_at=now + timedelta(days=20))
    ConsultationFactory(
        service_area=area,
        opens_at=now - timedelta(days=30),
        published_at=now - timedelta(days=31),
        closes_at=now + timedelta(days=2),
    )
    mail.outbox.clear()

    results = twice_at_once(consultation_tasks.notices_send)

    assert sum(results) == 40
    assert Message.objects.count() == 40
    sent_to = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent_to) == len(set(sent_to)) == 40  # one e-mail per person per event, each sent once


def test_the_closure_letters_twice_at_once_make_one_letter_per_case(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    cases = ClosedCaseFactory.create_batch(12, closed_on=today, child_age_band="16_17")

    twice_at_once(feedback_tasks.letters_send)

    assert FeedbackLetter.objects.count() == 12 and LetterBatch.objects.count() == 1
    assert FeedbackCode.objects.count() == 24
    assert Message.objects.filter(template="feedback/letter").count() == len(cases)


def test_the_outbox_sweep_twice_at_once_sends_each_message_once():
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            recipient=f"parent{i}@example.com",
            template="accounts/confirm_email",
            context={"full_name": "Jo", "confirm_url": f"https://portal.example/confirm/{i}/", "days": 3},
            due_at=now - timedelta(minutes=1),
        )
        for i in range(60)
    )
    mail.outbox.clear()

    twice_at_once(outbox_tasks.sweep)  # tasks run in the sweeping thread (eager), both at once

    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"parent{i}@example.com" for i in range(60))
    assert not Message.objects.exclude(state=Message.State.SENT).exists()


def test_the_retention_jobs_twice_at_once_delete_each_row_once_and_fail_in_neither(settings, time_machine):
    long_ago = timezone.now() - timedelta(days=1000)
    settings.OUTBOX_RETENTION_DAYS = settings.CONSULTATION_DRAFT_RETENTION_DAYS = 30
    time_machine.move_to(long_ago, tick=False)  # everything below is made long ago
    for _ in range(15):
        UserFactory(is_active=False, email_confirmed_at=None, last_login=None)
    kept = UserFactory(role=Role.PARTICIPANT)
    ResponseFactory.create_batch(15, draft=True)
    Message.objects.bulk_create(
        Message(recipient=f"p{i}@example.com", template="x/y", due_at=long_ago, state="sent", sent_at=long_ago)
        for i in range(15)
    )
    time_machine.move_to(long_ago + timedelta(days=1000), tick=False)

    accounts = twice_at_once(account_tasks.retention_apply)
    drafts = twice_at_once(consultation_tasks.retention_apply)
    outbox = twice_at_once(outbox_tasks.retention_apply)

    assert sum(accounts) == 15 and sum(result["drafts"] for result in drafts) == 15 and sum(outbox) == 15
    assert not Response.objects.drafts().exists() and not Message.objects.exists()
    kept.refresh_from_db()  # a confirmed account stays


def test_feedback_collation_twice_at_once_files_each_answer_once():
    question = QuestionFactory(kind=QuestionKind.LONG_TEXT)
    for number in range(30):
        AnswerFactory(
            question=question,
            response=ResponseFactory(consultation=question.consultation),
            text=f"Answer {number}",
        )

    twice_at_once(feedback_tasks.collate)

    assert FeedbackItem.objects.count() == 30
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == sorted(f"Answer {n}" for n in range(30))


def test_the_theme_report_job_twice_at_once_builds_one_report_per_audience(time_machine):
    from feedback.models import ReportState, ThemeReport
    from feedback.reports import tasks as report_tasks
    from feedback.tests.report_factories import audiences_ensure

    audiences_ensure()
    manager = UserFactory(role=Role.MANAGER)
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 10, 1, 6, 0)), tick=False)

    twice_at_once(report_tasks.theme_reports_build_due)  # builds run in the job's thread (eager), both at once

    reports = ThemeReport.objects.all()
    assert reports.count() == 3
    assert set(reports.values_list("state", flat=True)) == {ReportState.DRAFT}
    assert Message.objects.filter(recipient=manager.email, template="feedback/theme_report_ready").count() == 3


def test_the_quarterly_sample_twice_at_once_is_drawn_once(settings, time_machine):
    from feedback.calls import quarter_before, quarter_start_of
    from feedback.models import FollowUpCall, FollowUpSample

    settings.FEEDBACK_SAMPLE_PERCENT, settings.FEEDBACK_SAMPLE_MIN, settings.FEEDBACK_SAMPLE_MAX = 10, 3, 30
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 11, 24, 6, 30)), tick=False)
    last_quarter = quarter_before(quarter_start_of(timezone.localdate()))
    team = TeamFactory()
    cases = ClosedCaseFactory.create_batch(8, team=team, closed_on=last_quarter + timedelta(days=10))

    twice_at_once(feedback_tasks.samples_draw)

    sample = FollowUpSample.objects.get(quarter_start=last_quarter)
    calls = FollowUpCall.objects.filter(sample=sample)
    assert calls.count() == 3  # the minimum for a team of 8 eligible cases, drawn once, not twice
    assert set(calls.values_list("case_id", flat=True)) <= {case.pk for case in cases}
