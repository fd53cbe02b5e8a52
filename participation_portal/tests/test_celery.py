"""The beat schedule runs real tasks; a real worker on Redis runs a task end to end."""

import os

import pytest
from celery.schedules import crontab
from django.core import mail

from notifications.models import Message
from notifications.services import message_queue
from participation_portal.celery import app

app.loader.import_default_modules()


def test_every_beat_entry_names_a_registered_task():
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name} names {entry['task']}, which no app defines"


def test_schedule_runs_the_daily_jobs_and_the_outbox_sweep():
    schedule = app.conf.beat_schedule
    daily = {
        e["task"]
        for e in schedule.values()
        if isinstance(e["schedule"], crontab) and e["schedule"].day_of_month == set(range(1, 32))
    }
    assert {
        "consultations.notices_send",
        "accounts.retention_apply",
        "accounts.audit_retention_apply",
        "notifications.retention_apply",
        "consultations.retention_apply",
        "coproduction.retention_apply",
        "coproduction.session_reminders_send",
        "feedback.collate",
        "feedback.theme_reports_build_due",
    } <= daily
    assert schedule["outbox-sweep"] == {"task": "notifications.sweep", "schedule": 60.0}
    # The suggestion model learns again once a week.
    assert schedule["feedback-suggestion-model"]["schedule"].day_of_week == {0}


def test_schedule_reminds_the_owners_of_overdue_actions_weekly():
    entry = app.conf.beat_schedule["overdue-action-reminders"]
    assert entry["task"] == "coproduction.overdue_action_reminders_send"
    assert entry["schedule"].day_of_week == {1}  # Mondays, once a week


def test_tasks_are_json_only_and_acknowledged_late():
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True and app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_time_limits_are_below_the_redis_visibility_timeout(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the visibility timeout applies to Redis")
    assert app.conf.task_time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_a_queued_message():
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        pytest.skip("set CELERY_BROKER_URL to a Redis server to run the worker test")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        message = message_queue(
            recipient="parent@example.com",
            template="accounts/confirm_email",
            context={"full_name": "Jo", "confirm_url": "https://x/y", "days": 3},
        )
        # message_queue publishes after the commit; in autocommit that is at once.
        for _ in range(100):
            message.refresh_from_db()
            if message.state == Message.State.SENT:
                break
            import time

            time.sleep(0.1)
    assert message.state == Message.State.SENT
    assert [m.to for m in mail.outbox] == [["parent@example.com"]]
